package org.mediaproxy.relay.session;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.mediaproxy.relay.forwarding.ForwardingEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What sessions and streams share: settings, time, timers, ports, the engine, and the way back
 * into the session manager's lock for events that arrive on other threads.
 */
final class MediaContext {

    private static final Logger LOG = LoggerFactory.getLogger(MediaContext.class);

    private final RelaySettings settings;
    private final Clock clock;
    private final ScheduledExecutorService timers;
    private final ForwardingEngine engine;
    private final PortAllocator ports;
    private final Routability routability;
    private final Consumer<Runnable> underLock;

    MediaContext(RelaySettings settings, Clock clock, ScheduledExecutorService timers, ForwardingEngine engine,
            PortAllocator ports, Consumer<Runnable> underLock) {
        this.settings = settings;
        this.clock = clock;
        this.timers = timers;
        this.engine = engine;
        this.ports = ports;
        this.routability = new Routability(settings.routablePrivateRanges());
        this.underLock = underLock;
    }

    RelaySettings settings() {
        return settings;
    }

    Clock clock() {
        return clock;
    }

    ForwardingEngine engine() {
        return engine;
    }

    PortAllocator ports() {
        return ports;
    }

    Routability routability() {
        return routability;
    }

    /** Runs {@code task} under the manager's lock after {@code delay}. */
    ScheduledFuture<?> schedule(Duration delay, Runnable task) {
        return timers.schedule(() -> underLock.accept(task), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Hands an event from an engine thread over to the timer thread, which runs it under the
     * manager's lock; engine threads never wait for that lock.
     */
    void post(Runnable task) {
        try {
            timers.execute(() -> underLock.accept(task));
        } catch (RejectedExecutionException e) {
            LOG.debug("Event dropped, the relay is stopping");
        }
    }
}
