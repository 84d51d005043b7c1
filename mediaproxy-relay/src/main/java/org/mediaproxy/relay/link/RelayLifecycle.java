package org.mediaproxy.relay.link;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start and end of the relay's life towards its dispatchers (relay-media.md §14,
 * dispatcher-relay-protocol.md §10), and the receiver of the session table's events.
 * <ul>
 * <li>{@link #hangup()} (SIGHUP): the session table refuses new sessions; the relay stops once the
 * last session has ended, at once when there is none. Meanwhile the status says how many are left.</li>
 * <li>{@link #terminate(String)} (SIGINT, SIGTERM): every session is expired, each {@code expired}
 * record is written to its dispatcher, then the links are closed.</li>
 * </ul>
 * {@link #stopped()} completes when the links are closed; the caller then exits.
 */
public final class RelayLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(RelayLifecycle.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration DRAIN_CHECK = Duration.ofSeconds(1);

    private final RelayControl control;
    private final DispatcherDirectory directory;
    private final ScheduledExecutorService timers;
    private final Consumer<String> status;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    // Confined to the control thread.
    private boolean halting;
    private boolean stopping;
    private int reportedSessions = -1;
    private ScheduledFuture<?> drainCheck;

    /**
     * @param status receives a one-line service status (for systemd's STATUS=)
     */
    public RelayLifecycle(RelayControl control, DispatcherDirectory directory, ScheduledExecutorService timers,
            Consumer<String> status) {
        this.control = control;
        this.directory = directory;
        this.timers = timers;
        this.status = status;
    }

    public void start() {
        directory.start();
    }

    /** The session table ended a session on its own: report it to the dispatcher it came from. */
    public void expired(String dispatcher, String recordJson) {
        directory.deliverExpired(dispatcher, recordJson);
    }

    /** The session table has no session left. */
    public void idle() {
        control.execute(() -> {
            if (halting) {
                stop("the last session has ended");
            }
        });
    }

    /** SIGHUP: stop taking new sessions, stop when the existing ones are over. */
    public void hangup() {
        control.execute(() -> {
            if (halting || stopping) {
                return;
            }
            halting = true;
            LOG.info("Received SIGHUP: refusing new sessions, shutting down when the last one has ended");
            control.commands().halt();
            drainCheck = timers.scheduleWithFixedDelay(() -> control.execute(this::checkDrained),
                    DRAIN_CHECK.toMillis(), DRAIN_CHECK.toMillis(), TimeUnit.MILLISECONDS);
            checkDrained();
        });
    }

    /** SIGINT/SIGTERM: expire every session, report them, disconnect. */
    public void terminate(String reason) {
        control.execute(() -> stop(reason));
    }

    /** Completes when every dispatcher link is closed. */
    public CompletableFuture<Void> stopped() {
        return stopped;
    }

    private void checkDrained() {
        if (stopping) {
            return;
        }
        if (control.commands().isIdle()) {
            stop("no session left after SIGHUP");
            return;
        }
        int sessions = 0;
        for (String dispatcher : directory.linkIds()) {
            sessions += control.commands().sessionCount(dispatcher);
        }
        if (sessions != reportedSessions) {
            reportedSessions = sessions;
            status.accept("halting, waiting for " + sessions + (sessions == 1 ? " session" : " sessions") + " to end");
        }
    }

    private void stop(String reason) {
        if (stopping) {
            return;
        }
        stopping = true;
        if (drainCheck != null) {
            drainCheck.cancel(false);
        }
        LOG.info("Shutting down: {}", reason);
        status.accept("shutting down");
        // Each expired session is handed to its link here, so the links' queues hold every
        // record before they are asked to close.
        control.commands().expireAll();
        directory.disconnectAll()
                .orTimeout(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((closed, failure) -> {
                    if (failure != null) {
                        LOG.warn("Not every dispatcher connection closed within {} s", CLOSE_TIMEOUT.toSeconds());
                    }
                    stopped.complete(null);
                });
    }
}
