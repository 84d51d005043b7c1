package org.mediaproxy.dispatcher.accounting;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers records to one backend, in order, on its own thread, without ever dropping one.
 *
 * <p>Records arrive in memory ({@link #offer} never blocks). While the backend works and nothing
 * is spooled, each record goes straight to it. When an attempt fails the record, and every record
 * after it, goes to the {@link Spool} on disk; the worker then retries the oldest spooled record
 * with a growing delay and, once the backend answers again, replays the spool in order before
 * touching anything newer.
 */
final class BackendLane {

    private static final Logger log = LoggerFactory.getLogger(BackendLane.class);
    /** Longest a worker sleeps before looking at the closing flag again. */
    private static final long WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private enum Outcome { DELIVERED, REJECTED, FAILED }

    private final AccountingBackend backend;
    private final Spool spool;
    private final DeliveryPolicy policy;
    private final Accounting.FailureListener failures;
    private final LinkedBlockingDeque<SessionRecord> incoming = new LinkedBlockingDeque<>();
    private final Thread worker;

    /** Guards the hand-over of in-memory records between the worker and the shutdown path. */
    private final Object handover = new Object();
    private SessionRecord inFlight;
    private boolean stopped;

    private volatile boolean closing;
    private volatile long closingSince;
    private volatile long drainDeadline;

    // Worker-thread state.
    private boolean failing;
    private long lastFailure;
    private long retryAt;
    private Duration retryDelay;
    private volatile boolean spoolBroken;

    BackendLane(AccountingBackend backend, Spool spool, DeliveryPolicy policy, Accounting.FailureListener failures) {
        this.backend = backend;
        this.spool = spool;
        this.policy = policy;
        this.failures = failures;
        this.retryDelay = policy.firstRetry();
        this.worker = new Thread(this::run, "accounting-" + backend.name());
        // The spool, not the JVM, keeps records safe; a forgotten close() must not hang the exit.
        this.worker.setDaemon(true);
    }

    String name() {
        return backend.name();
    }

    AccountingBackend backend() {
        return backend;
    }

    void start() {
        if (!spool.isEmpty()) {
            log.info("accounting backend {}: {} records spooled by a previous run in {}, replaying them first",
                    name(), spool.size(), spool.directory());
        }
        worker.start();
    }

    int spoolDepth() {
        return spool.size();
    }

    /** Hands a record over; never blocks on the backend. */
    void offer(SessionRecord record) {
        synchronized (handover) {
            if (!stopped) {
                incoming.add(record);
                return;
            }
            // Late record after shutdown: straight to disk for the next run.
            spoolOrLog(record);
        }
    }

    /** Asks the worker to deliver what it can until {@code deadline} (System.nanoTime) and stop. */
    void beginClose(long deadline) {
        drainDeadline = deadline;
        closingSince = System.nanoTime();
        closing = true;
    }

    /** Waits for the worker until {@code deadline}; true if it stopped by itself. */
    boolean awaitStop(long deadline) throws InterruptedException {
        long remaining = deadline - System.nanoTime();
        if (remaining > 0) {
            TimeUnit.NANOSECONDS.timedJoin(worker, remaining);
        }
        return !worker.isAlive();
    }

    /** For a worker stuck in the backend past the deadline: puts its pending records on disk. */
    void abandon() {
        synchronized (handover) {
            if (stopped) {
                return;
            }
            log.warn("accounting backend {} did not finish within the shutdown time; its pending records stay in {}",
                    name(), spool.directory());
            if (inFlight != null) {
                spoolOrLog(inFlight);
            }
            spoolIncoming();
            stopped = true;
        }
    }

    private void run() {
        try {
            while (!shouldStop()) {
                try {
                    step();
                } catch (RuntimeException e) {
                    // A bug must not end accounting for good; the records stay where they are.
                    log.error("accounting backend {}: unexpected failure", name(), e);
                    Thread.sleep(policy.firstRetry().toMillis());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (handover) {
                if (!stopped) {
                    spoolIncoming();
                    stopped = true;
                }
            }
        }
    }

    private void step() throws InterruptedException {
        if (failing && !closing && System.nanoTime() - retryAt < 0) {
            awaitRetry();
        } else if (!spool.isEmpty()) {
            spoolIncoming();
            replayHead();
        } else {
            deliverFromMemory();
        }
    }

    private boolean shouldStop() {
        if (!closing) {
            return false;
        }
        synchronized (handover) {
            if (stopped) {
                return true;
            }
        }
        if (System.nanoTime() - drainDeadline >= 0) {
            return true;
        }
        if (failing && lastFailure - closingSince >= 0) {
            return true; // it failed again during shutdown: the rest waits in the spool
        }
        return incoming.isEmpty() && spool.isEmpty();
    }

    /** Backend down: persist arrivals as they come while waiting for the next attempt. */
    private void awaitRetry() throws InterruptedException {
        spoolIncoming();
        long wait = Math.min(retryAt - System.nanoTime(), WAIT_SLICE_NANOS);
        SessionRecord arrived = incoming.pollFirst(Math.max(wait, 0), TimeUnit.NANOSECONDS);
        if (arrived != null) {
            requeueOrSpool(arrived);
        }
    }

    private void deliverFromMemory() throws InterruptedException {
        SessionRecord record = closing ? incoming.pollFirst() : incoming.pollFirst(WAIT_SLICE_NANOS, TimeUnit.NANOSECONDS);
        if (record == null) {
            return;
        }
        synchronized (handover) {
            if (stopped) {
                spoolOrLog(record);
                return;
            }
            inFlight = record;
        }
        Outcome outcome = attempt(record);
        synchronized (handover) {
            inFlight = null;
            if (stopped) {
                return; // abandon() already spooled it
            }
        }
        if (outcome == Outcome.FAILED) {
            requeueOrSpool(record);
        }
    }

    private void replayHead() {
        Spool.Entry entry;
        try {
            entry = spool.head();
        } catch (IOException e) {
            failed(e);
            return;
        }
        if (entry == null) {
            return;
        }
        SessionRecord record;
        try {
            record = SessionRecord.parse(entry.json());
        } catch (IllegalArgumentException e) {
            setAside(entry.json(), "unreadable spool entry: " + e.getMessage());
            removeHead(entry);
            return;
        }
        if (attempt(record) != Outcome.FAILED) {
            removeHead(entry);
            if (spool.isEmpty()) {
                log.info("accounting backend {}: every spooled record has been delivered", name());
            }
        }
    }

    private Outcome attempt(SessionRecord record) {
        try {
            backend.account(record);
            succeeded();
            return Outcome.DELIVERED;
        } catch (RejectedRecordException e) {
            succeeded();
            setAside(record.json(), record + ": " + e.getMessage());
            return Outcome.REJECTED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed(e);
            return Outcome.FAILED;
        } catch (Exception e) {
            failed(e);
            return Outcome.FAILED;
        }
    }

    private void succeeded() {
        if (failing) {
            failing = false;
            retryDelay = policy.firstRetry();
            log.info("accounting backend {} works again; {} spooled records to deliver", name(), spool.size());
        }
    }

    private void failed(Exception e) {
        long now = System.nanoTime();
        if (!failing) {
            retryDelay = policy.firstRetry();
            log.warn("accounting backend {} is not available ({}); records are kept in {} until it is",
                    name(), describe(e), spool.directory());
        } else {
            retryDelay = policy.nextRetry(retryDelay);
            log.debug("accounting backend {} still not available: {}", name(), describe(e));
        }
        failing = true;
        lastFailure = now;
        retryAt = now + retryDelay.toNanos();
        failures.deliveryFailed(name());
    }

    private void setAside(String json, String reason) {
        try {
            Path file = spool.reject(json);
            log.error("accounting backend {} refused a record for good ({}); it is kept in {}", name(), reason, file);
        } catch (IOException e) {
            log.error("accounting backend {} refused a record for good ({}) and it could not be saved ({}): {}",
                    name(), reason, e, json);
        }
    }

    private void removeHead(Spool.Entry entry) {
        try {
            spool.removeHead(entry);
        } catch (IOException e) {
            // The file stays and is replayed after a restart, which is harmless.
            log.error("accounting backend {}: cannot delete a delivered spool batch: {}", name(), e.toString());
        }
    }

    /** Spools a record that was at the front of the memory queue, or puts it back there. */
    private void requeueOrSpool(SessionRecord record) {
        if (!appendToSpool(List.of(record))) {
            incoming.addFirst(record);
        }
    }

    /** Moves the memory queue to the end of the spool, oldest first, in one batch. */
    private void spoolIncoming() {
        List<SessionRecord> batch = new ArrayList<>(incoming);
        if (!batch.isEmpty() && appendToSpool(batch)) {
            // Only this lane takes from the head; offers only add at the tail.
            batch.forEach(record -> incoming.pollFirst());
        }
    }

    private void spoolOrLog(SessionRecord record) {
        if (!appendToSpool(List.of(record))) {
            log.error("accounting backend {}: record lost with the spool unwritable: {}", name(), record.json());
        }
    }

    private boolean appendToSpool(List<SessionRecord> records) {
        try {
            spool.append(records.stream().map(SessionRecord::json).toList());
        } catch (IOException e) {
            if (!spoolBroken) {
                spoolBroken = true;
                log.error("accounting backend {}: cannot write to the spool {} ({}); keeping records in memory",
                        name(), spool.directory(), e.toString());
            }
            return false;
        }
        if (spoolBroken) {
            spoolBroken = false;
            log.info("accounting backend {}: the spool {} is writable again", name(), spool.directory());
        }
        return true;
    }

    private static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(e.toString());
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append("; caused by ").append(cause);
        }
        return text.toString();
    }
}
