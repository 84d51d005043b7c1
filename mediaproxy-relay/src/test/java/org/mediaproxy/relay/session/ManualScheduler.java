package org.mediaproxy.relay.session;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.mediaproxy.common.testing.MutableClock;

/**
 * A scheduler driven by the test: tasks run only inside {@link #runDue()} or {@link #advance},
 * on the test's thread, at the times of a {@link MutableClock}. {@code execute} may be called
 * from any thread (engine events); those tasks are due at once.
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private final MutableClock clock;
    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private long sequence;
    private boolean shutdown;

    public ManualScheduler(MutableClock clock) {
        this.clock = clock;
    }

    private final class Task implements ScheduledFuture<Object> {
        private final Runnable action;
        private final long periodNanos;
        private final long seq;
        private Instant due;
        private volatile boolean cancelled;
        private volatile boolean done;

        Task(Runnable action, Instant due, long periodNanos) {
            this.action = action;
            this.due = due;
            this.periodNanos = periodNanos;
            this.seq = sequence++;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(Duration.between(clock.instant(), due));
        }

        @Override
        public int compareTo(Delayed other) {
            Task that = (Task) other;
            int byTime = due.compareTo(that.due);
            return byTime != 0 ? byTime : Long.compare(seq, that.seq);
        }

        @Override
        public boolean cancel(boolean mayInterrupt) {
            boolean wasPending = !done && !cancelled;
            cancelled = true;
            synchronized (ManualScheduler.this) {
                queue.remove(this);
            }
            return wasPending;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    }

    /** Runs every task due now, including those the tasks schedule for now; returns how many ran. */
    public int runDue() {
        int ran = 0;
        while (true) {
            Task task;
            synchronized (this) {
                task = queue.peek();
                if (task == null || task.due.isAfter(clock.instant())) {
                    return ran;
                }
                queue.poll();
            }
            task.action.run();
            ran++;
            if (task.periodNanos > 0 && !task.cancelled) {
                synchronized (this) {
                    task.due = task.due.plusNanos(task.periodNanos);
                    queue.add(task);
                }
            } else {
                task.done = true;
            }
        }
    }

    /** Moves the clock forward step by step, running each task at its due time. */
    public void advance(Duration duration) {
        Instant target = clock.instant().plus(duration);
        while (true) {
            runDue();
            Instant next;
            synchronized (this) {
                Task head = queue.peek();
                next = head == null ? null : head.due;
            }
            if (next == null || next.isAfter(target)) {
                break;
            }
            clock.set(next);
        }
        clock.set(target);
        runDue();
    }

    public synchronized int pending() {
        return queue.size();
    }

    private synchronized Task add(Runnable action, long delayNanos, long periodNanos) {
        if (shutdown) {
            throw new java.util.concurrent.RejectedExecutionException("shut down");
        }
        Task task = new Task(action, clock.instant().plusNanos(Math.max(0, delayNanos)), periodNanos);
        queue.add(task);
        return task;
    }

    @Override
    public void execute(Runnable command) {
        add(command, 0, 0);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return add(command, unit.toNanos(delay), 0);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("not used by the relay");
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return add(command, unit.toNanos(initialDelay), unit.toNanos(period));
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return add(command, unit.toNanos(initialDelay), unit.toNanos(delay));
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
    }

    @Override
    public synchronized List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> left = new ArrayList<>();
        queue.forEach(task -> left.add(task.action));
        queue.clear();
        return left;
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    @Override
    public synchronized boolean isTerminated() {
        return shutdown && queue.isEmpty();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }
}
