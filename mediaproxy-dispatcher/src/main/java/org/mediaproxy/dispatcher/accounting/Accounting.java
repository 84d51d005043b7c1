package org.mediaproxy.dispatcher.accounting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.mediaproxy.common.json.PythonJson;
import org.mediaproxy.dispatcher.session.RecordSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the dispatcher hands every ended session (accounting.md §1).
 *
 * <p>Each backend gets its own worker thread and its own durable spool under
 * {@code <spoolDir>/<backend name>}, so a slow or unreachable backend neither blocks the caller
 * (an event loop) nor holds up the other backends, and nothing is lost while it is away or across
 * a restart.
 */
public final class Accounting implements RecordSink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Accounting.class);

    /**
     * Told each time a backend fails to take a record (the record stays queued or spooled and is
     * retried). Called on that backend's worker thread, so it must be quick and thread-safe.
     */
    @FunctionalInterface
    public interface FailureListener {
        FailureListener NONE = backend -> { };

        void deliveryFailed(String backend);
    }

    private final List<BackendLane> lanes;
    private final DeliveryPolicy policy;
    private volatile boolean closed;

    private Accounting(List<BackendLane> lanes, DeliveryPolicy policy) {
        this.lanes = lanes;
        this.policy = policy;
    }

    public static Accounting start(List<AccountingBackend> backends, Path spoolDir) throws IOException {
        return start(backends, spoolDir, DeliveryPolicy.DEFAULT);
    }

    public static Accounting start(List<AccountingBackend> backends, Path spoolDir, DeliveryPolicy policy)
            throws IOException {
        return start(backends, spoolDir, policy, FailureListener.NONE);
    }

    /** Starts one worker per backend; records left in their spools by an earlier run go first. */
    public static Accounting start(List<AccountingBackend> backends, Path spoolDir, DeliveryPolicy policy,
            FailureListener failures) throws IOException {
        Set<String> names = new HashSet<>();
        List<BackendLane> lanes = new ArrayList<>();
        for (AccountingBackend backend : backends) {
            if (!names.add(backend.name())) {
                throw new IllegalArgumentException("two accounting backends named " + backend.name());
            }
            lanes.add(new BackendLane(backend, Spool.open(spoolDir.resolve(backend.name())), policy, failures));
        }
        lanes.forEach(BackendLane::start);
        if (!lanes.isEmpty()) {
            log.info("accounting to {} (spool {})", names, spoolDir);
        }
        return new Accounting(List.copyOf(lanes), policy);
    }

    /**
     * Logs the record and, if the session was ever answered ({@code start_time} not null), queues
     * it for every backend. Never blocks; safe from any thread.
     */
    @Override
    public void submit(ObjectNode record) {
        SessionRecord session = null;
        String problem = null;
        try {
            session = SessionRecord.of(record);
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
        }
        log.info("statistics: {}", session != null ? session.json() : PythonJson.write(record));
        JsonNode startTime = record.get("start_time");
        if (startTime == null || startTime.isNull()) {
            return; // never answered: nothing to account (accounting.md §1)
        }
        if (session == null) {
            log.error("cannot account this session record: {}", problem);
            return;
        }
        if (closed) {
            log.warn("accounting record for {} arrived during shutdown; spooling it", session);
        }
        for (BackendLane lane : lanes) {
            lane.offer(session);
        }
    }

    /** Records waiting on disk, over all backends; never blocks, not even behind a spool write. */
    @Override
    public int spoolDepth() {
        int depth = 0;
        for (BackendLane lane : lanes) {
            depth += lane.spoolDepth();
        }
        return depth;
    }

    /**
     * Delivers what can be delivered within the policy's drain time, leaves everything else in the
     * spools, and closes the backends.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        long deadline = System.nanoTime() + policy.shutdownDrain().toNanos();
        lanes.forEach(lane -> lane.beginClose(deadline));
        // A little grace after the deadline for workers that are just finishing a write.
        long joinDeadline = deadline + TimeUnit.MILLISECONDS.toNanos(500);
        for (BackendLane lane : lanes) {
            try {
                if (!lane.awaitStop(joinDeadline)) {
                    lane.abandon();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                lane.abandon();
            }
        }
        for (BackendLane lane : lanes) {
            try {
                lane.backend().close();
            } catch (RuntimeException e) {
                log.warn("closing accounting backend {}: {}", lane.name(), e.toString());
            }
            if (lane.spoolDepth() > 0) {
                log.info("accounting backend {}: {} records stay spooled for the next start",
                        lane.name(), lane.spoolDepth());
            }
        }
    }
}
