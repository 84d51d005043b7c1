package org.mediaproxy.relay.session;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.mediaproxy.common.json.PythonJson;
import org.mediaproxy.relay.forwarding.ForwardingEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's media brain: executes the dispatchers' {@code update}, {@code remove},
 * {@code summary} and {@code sessions} commands, owns the sessions, their streams and ports,
 * times them out, samples bandwidth and reports expiries.
 *
 * <p>Thread-safe: commands come from the links' event loops, timer tasks and forwarding events
 * from {@code timers}, shutdown from a signal thread. All session state is guarded by one lock;
 * listener calls are made after it is released. Commands must not be executed on the forwarding
 * engine's own threads (they wait for those threads).
 */
public final class SessionManager {

    private static final String WARM_UP_CALL = "media-relay-warm-up";

    private static final Logger LOG = LoggerFactory.getLogger(SessionManager.class);
    /** Descriptors kept for everything that is not a media socket (the original's margin). */
    static final long RESERVED_DESCRIPTORS = 1000;
    private static final long SLOW_SAMPLE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Object lock = new Object();
    private final RelaySettings settings;
    private final Clock clock;
    private final SessionListener listener;
    private final MediaContext media;
    private final PortAllocator ports;
    private final Instant startTime;
    private final Map<SessionKey, Session> sessions = new LinkedHashMap<>();
    private final Map<String, Integer> dispatcherSessions = new HashMap<>();
    /** Listener calls collected under the lock, made after it is released. */
    private final List<Runnable> outbox = new ArrayList<>();
    private final ScheduledFuture<?> sampler;
    private final ScheduledFuture<?> silenceWatch;
    private boolean halted;
    private boolean stopping;
    private long sampledBytes;
    private long closedBytes;
    private Double bpsRelayed;

    private record SessionKey(String callId, String tag) {
    }

    /** A call the locked section makes, which may refuse the command. */
    private interface LockedCall<T> {
        T call() throws InvalidCommandException;
    }

    /**
     * Raises the open-files limit as far as allowed (one descriptor per relay port) and logs the
     * resulting stream capacity and {@code engine.name()}; then starts bandwidth sampling and the
     * silence watch on {@code timers}.
     *
     * @param engine   moves the packets; owned by the caller, who closes it after {@link #expireAll()}
     * @param timers   runs stream timers and forwarding events; one thread is plenty (a
     *                 {@code ScheduledThreadPoolExecutor} with remove-on-cancel keeps its queue small)
     * @param listener receives expiries and the end of a graceful shutdown
     */
    public SessionManager(RelaySettings settings, ForwardingEngine engine, Clock clock,
            ScheduledExecutorService timers, SessionListener listener) {
        this(settings, engine, clock, timers, listener,
                DescriptorLimit.raiseTo(settings.portRangeEnd() - settings.portRangeStart() + RESERVED_DESCRIPTORS));
    }

    /** @param descriptorLimit the process's open-files limit, which caps the number of streams */
    SessionManager(RelaySettings settings, ForwardingEngine engine, Clock clock, ScheduledExecutorService timers,
            SessionListener listener, long descriptorLimit) {
        this.settings = settings;
        this.clock = clock;
        this.listener = listener;
        this.startTime = clock.instant();
        long streamsByPorts = settings.portPairs() / 2;
        // Every stream holds four sockets.
        long streamsByDescriptors = Math.max(0, (descriptorLimit - RESERVED_DESCRIPTORS) / 4);
        long capacity = Math.min(streamsByPorts, streamsByDescriptors);
        if (streamsByDescriptors < streamsByPorts) {
            LOG.warn("The open-files limit ({}) allows only {} of the {} streams port_range {}:{} could hold; "
                    + "further streams are refused. Raise the limit to {} (e.g. LimitNOFILE) to use the whole range",
                    descriptorLimit, capacity, streamsByPorts, settings.portRangeStart(), settings.portRangeEnd(),
                    settings.portRangeEnd() - settings.portRangeStart() + RESERVED_DESCRIPTORS);
        }
        this.ports = new PortAllocator(settings.portRangeStart(), settings.portRangeEnd(),
                (int) Math.min(Integer.MAX_VALUE, streamsByDescriptors * 2));
        this.media = new MediaContext(settings, clock, timers, engine, ports, this::underLock);
        LOG.info("Media relay on {} ports {}-{}: up to {} streams, forwarding engine: {}",
                settings.relayIp().getHostAddress(), settings.portRangeStart(), settings.portRangeEnd() - 1,
                capacity, engine.name());
        Duration period = settings.trafficSamplingPeriod();
        this.sampler = period.isZero() ? null
                : timers.scheduleAtFixedRate(() -> underLock(this::sample), period.toNanos(), period.toNanos(),
                        TimeUnit.NANOSECONDS);
        // Silence is noticed between stream_timeout and 4/3 of it after the last media packet.
        long watchPeriod = Math.max(settings.streamTimeout().toNanos() / 3, TimeUnit.MILLISECONDS.toNanos(1));
        this.silenceWatch = timers.scheduleAtFixedRate(() -> underLock(this::checkSilence), watchPeriod, watchPeriod,
                TimeUnit.NANOSECONDS);
    }

    /**
     * Executes {@code update}, {@code remove}, {@code summary} or {@code sessions}.
     *
     * @param headers    header lines as received, name to value
     * @param dispatcher id of the link the command came from; expiries of sessions it creates go back there
     * @return the reply payload: {@code <ip> <port>...}, {@code None}, {@code halting} or {@code error}
     *         for update; the record or {@code error} for remove; JSON for summary and sessions
     */
    /**
     * Runs one synthetic call (offer, answer, remove) through the whole command path before the
     * relay accepts real ones. Class loading and first compilation otherwise make the first real
     * {@code update} take hundreds of milliseconds, enough to miss OpenSIPS's 500 ms. The pairs it
     * used go back to the head of the queue, so the first real call still gets the first pair.
     */
    public void warmUp() {
        List<List<Integer>> order = new ArrayList<>();
        underLock(() -> order.add(ports.freeOrder()));
        String ip = settings.relayIp().getHostAddress();
        Map<String, String> offer = new LinkedHashMap<>();
        offer.put("type", "request");
        offer.put("call_id", WARM_UP_CALL);
        offer.put("cseq", "1");
        offer.put("from_uri", "sip:warm-up@" + ip);
        offer.put("to_uri", "sip:warm-up@" + ip);
        offer.put("from_tag", "warm-up-caller");
        offer.put("user_agent", "media-relay warm-up");
        offer.put("signaling_ip", ip);
        offer.put("media", "audio:" + ip + ":9:sendrecv:ice=no");
        Map<String, String> answer = new LinkedHashMap<>(offer);
        answer.put("type", "reply");
        answer.put("to_tag", "warm-up-callee");
        String first = execute("update", offer, WARM_UP_CALL);
        execute("update", answer, WARM_UP_CALL);
        execute("summary", Map.of(), WARM_UP_CALL);
        execute("sessions", Map.of(), WARM_UP_CALL);
        execute("remove", Map.of("call_id", WARM_UP_CALL, "from_tag", "warm-up-caller"), WARM_UP_CALL);
        underLock(() -> ports.restoreOrder(order.get(0)));
        LOG.debug("warm-up call answered '{}'", first);
    }

    public String execute(String command, Map<String, String> headers, String dispatcher) {
        try {
            return switch (command) {
                case "update" -> {
                    UpdateRequest update = UpdateRequest.parse(headers);
                    yield locked(() -> update(update, dispatcher));
                }
                case "remove" -> {
                    RemoveRequest remove = RemoveRequest.parse(headers);
                    yield locked(() -> remove(remove));
                }
                case "summary" -> locked(this::summary);
                case "sessions" -> locked(this::sessions);
                default -> throw new InvalidCommandException("unknown command");
            };
        } catch (InvalidCommandException e) {
            LOG.error("Refused {} from dispatcher {}: {}", command, dispatcher, e.getMessage());
            return "error";
        } catch (RuntimeException e) {
            LOG.error("Failed to execute {} from dispatcher {}", command, dispatcher, e);
            return "error";
        }
    }

    /** Number of live sessions created through {@code dispatcher}. */
    public int sessionCount(String dispatcher) {
        synchronized (lock) {
            return dispatcherSessions.getOrDefault(dispatcher, 0);
        }
    }

    /**
     * Graceful shutdown (SIGHUP): status becomes {@code halting}, new sessions are refused with
     * {@code halting}, existing ones carry on. {@link SessionListener#idle()} follows when the
     * last session ends, or right away if there is none.
     */
    public void halt() {
        underLock(() -> {
            if (!halted) {
                halted = true;
                LOG.info("Halting: refusing new sessions, {} still active", sessions.size());
                if (sessions.isEmpty()) {
                    outbox.add(listener::idle);
                }
            }
        });
    }

    /**
     * Immediate shutdown (SIGINT/SIGTERM): every session expires now and is reported through
     * {@link SessionListener#expired}; new sessions are refused and sampling stops.
     */
    public void expireAll() {
        underLock(() -> {
            stopping = true;
            if (sampler != null) {
                sampler.cancel(false);
            }
            silenceWatch.cancel(false);
            for (Session session : new ArrayList<>(sessions.values())) {
                expire(session);
            }
        });
    }

    /** True when no session exists. */
    public boolean isIdle() {
        synchronized (lock) {
            return sessions.isEmpty();
        }
    }

    // ---- commands (under the lock) -------------------------------------------------------------

    private String update(UpdateRequest update, String dispatcher) throws InvalidCommandException {
        Session session = find(update.callId(), update.fromTag(), update.toTag());
        boolean downstream;
        boolean callerCseq;
        try {
            if (session == null) {
                if (halted || stopping) {
                    LOG.info("Refused new session {}: the relay is halting", update.callId());
                    return "halting";
                }
                if (!update.request() && update.media().isEmpty()) {
                    return "None";
                }
                session = new Session(media, dispatcher, update, this::sessionExpired);
                downstream = update.request();
                callerCseq = true;
                session.update(update, downstream, callerCseq);
                sessions.put(new SessionKey(update.callId(), update.fromTag()), session);
                dispatcherSessions.merge(dispatcher, 1, Integer::sum);
                LOG.info("Created session {} (from_tag {}) for dispatcher {}", update.callId(), update.fromTag(),
                        dispatcher);
            } else {
                callerCseq = update.fromTag().equals(session.fromTag());
                downstream = !callerCseq ^ update.request();
                session.update(update, downstream, callerCseq);
            }
        } catch (PortsExhaustedException e) {
            LOG.error("Could not reserve relay ports for session {}: {}", update.callId(), e.getMessage());
            return "error";
        }
        String answer = session.localMedia(downstream, update.cseq(), callerCseq);
        return answer != null ? answer : "None";
    }

    private String remove(RemoveRequest remove) throws InvalidCommandException {
        Session session = find(remove.callId(), remove.fromTag(), remove.toTag());
        if (session == null) {
            throw new InvalidCommandException("no session " + remove.callId() + " with tag " + remove.fromTag()
                    + (remove.toTag() != null ? " or " + remove.toTag() : ""));
        }
        end(session, false);
        LOG.info("Removed session {} (from_tag {})", session.callId(), session.fromTag());
        return PythonJson.write(session.record(clock.instant()));
    }

    private String summary() {
        ObjectNode node = PythonJson.object();
        node.put("ip", settings.relayIp().getHostAddress());
        node.put("version", settings.version());
        node.put("status", halted || stopping ? "halting" : "active");
        node.put("uptime", EpochSeconds.truncatedBetween(startTime, clock.instant()));
        node.put("session_count", sessions.size());
        ObjectNode streamCount = node.putObject("stream_count");
        for (Session session : sessions.values()) {
            for (MediaStream stream : session.allStreams()) {
                if (stream.isAlive()) {
                    streamCount.put(stream.mediaType(), streamCount.path(stream.mediaType()).asInt(0) + 1);
                }
            }
        }
        if (bpsRelayed == null) {
            node.put("bps_relayed", 0);
        } else {
            node.put("bps_relayed", bpsRelayed.doubleValue());
        }
        return PythonJson.write(node);
    }

    private String sessions() {
        ArrayNode list = PythonJson.object().arrayNode();
        Instant now = clock.instant();
        for (Session session : sessions.values()) {
            list.add(session.record(now));
        }
        return PythonJson.write(list);
    }

    // ---- session end ---------------------------------------------------------------------------

    private Session find(String callId, String fromTag, String toTag) {
        Session session = sessions.get(new SessionKey(callId, fromTag));
        if (session == null && toTag != null) {
            session = sessions.get(new SessionKey(callId, toTag));
        }
        return session;
    }

    /** Called by a session whose streams all ended by themselves. */
    private void sessionExpired(Session session) {
        if (sessions.get(new SessionKey(session.callId(), session.fromTag())) == session) {
            LOG.info("Session {} (from_tag {}) expired", session.callId(), session.fromTag());
            expire(session);
        }
    }

    private void expire(Session session) {
        end(session, true);
    }

    /** Ends {@code session}; with {@code report} its record goes to the listener as an expiry. */
    private void end(Session session, boolean report) {
        session.close();
        closedBytes += session.relayedBytes();
        sessions.remove(new SessionKey(session.callId(), session.fromTag()));
        dispatcherSessions.computeIfPresent(session.dispatcher(), (key, count) -> count > 1 ? count - 1 : null);
        if (report) {
            String record = PythonJson.write(session.record(clock.instant()));
            String dispatcher = session.dispatcher();
            outbox.add(() -> listener.expired(dispatcher, record));
        }
        if (halted && sessions.isEmpty()) {
            outbox.add(listener::idle);
        }
    }

    // ---- periodic work -------------------------------------------------------------------------

    private void sample() {
        long began = System.nanoTime();
        long current = 0;
        for (Session session : sessions.values()) {
            current += session.relayedBytes();
        }
        double period = settings.trafficSamplingPeriod().toNanos() / 1e9;
        bpsRelayed = 8 * (current + closedBytes - sampledBytes) / period;
        sampledBytes = current;
        closedBytes = 0;
        long took = System.nanoTime() - began;
        if (took > SLOW_SAMPLE_NANOS) {
            LOG.warn("Traffic sampling took {} us for {} sessions", took / 1000, sessions.size());
        }
    }

    private void checkSilence() {
        Instant now = clock.instant();
        for (Session session : new ArrayList<>(sessions.values())) {
            for (MediaStream stream : session.allStreams()) {
                stream.checkSilence(now);
            }
        }
    }

    // ---- locking -------------------------------------------------------------------------------

    private void underLock(Runnable action) {
        List<Runnable> calls;
        synchronized (lock) {
            try {
                action.run();
            } finally {
                calls = drainOutbox();
            }
        }
        deliver(calls);
    }

    private <T> T locked(LockedCall<T> call) throws InvalidCommandException {
        List<Runnable> calls;
        T result;
        synchronized (lock) {
            try {
                result = call.call();
            } finally {
                calls = drainOutbox();
            }
        }
        deliver(calls);
        return result;
    }

    private List<Runnable> drainOutbox() {
        List<Runnable> calls = List.copyOf(outbox);
        outbox.clear();
        return calls;
    }

    private static void deliver(List<Runnable> calls) {
        for (Runnable call : calls) {
            try {
                call.run();
            } catch (RuntimeException e) {
                LOG.error("Session listener failed", e);
            }
        }
    }
}
