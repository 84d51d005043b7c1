package org.mediaproxy.dispatcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.mediaproxy.common.json.PythonJson;
import org.mediaproxy.dispatcher.mi.DialogEnder;
import org.mediaproxy.dispatcher.opensips.OpenSipsRequest;
import org.mediaproxy.dispatcher.opensips.OpenSipsRequestHandler;
import org.mediaproxy.dispatcher.relay.RelayCommand;
import org.mediaproxy.dispatcher.relay.RelayEvents;
import org.mediaproxy.dispatcher.relay.RelayFailure;
import org.mediaproxy.dispatcher.relay.RelayLink;
import org.mediaproxy.dispatcher.relay.RelayLoad;
import org.mediaproxy.dispatcher.relay.RelaySelector;
import org.mediaproxy.dispatcher.session.DispatcherSession;
import org.mediaproxy.dispatcher.session.RecordSink;
import org.mediaproxy.dispatcher.session.SessionRecords;
import org.mediaproxy.dispatcher.session.SessionTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher's brain: routes OpenSIPS requests to relays (sticky per Call-ID, least loaded
 * relay for new calls, failover within the OpenSIPS reply budget), keeps the session table in
 * step with the relays, hands finished session records to accounting and asks OpenSIPS to end
 * dialogs whose media timed out. Confined to one event loop: every method runs on it.
 */
public final class Dispatcher implements OpenSipsRequestHandler, RelayEvents {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    /** How often expired-but-unremoved sessions are purged (the original's interval). */
    static final Duration PURGE_INTERVAL = Duration.ofSeconds(600);
    /** How often relays are asked for their load, to see what other dispatchers put on them. */
    public static final Duration LOAD_POLL_INTERVAL = Duration.ofSeconds(15);

    /** Timing from {@code [Dispatcher]}, plus the load poll interval. */
    public record Settings(ReplyBudget budget, Duration relayTimeout, Duration cleanupDeadRelaysAfter,
            Duration cleanupExpiredSessionsAfter, Duration loadPollInterval) {
    }

    private final ScheduledExecutorService loop;
    private final Clock clock;
    private final Settings settings;
    private final RelaySelector selector;
    private final RecordSink records;
    private final DialogEnder dialogs;
    private final SessionTable sessions = new SessionTable();
    private final Map<String, RelayLink> relays = new LinkedHashMap<>();
    private final Map<String, ScheduledFuture<?>> deadRelayTimers = new HashMap<>();
    private final List<ScheduledFuture<?>> periodicJobs = new ArrayList<>();
    private final NoRelayWarning noRelay = new NoRelayWarning();
    private boolean shuttingDown;

    public Dispatcher(ScheduledExecutorService loop, Clock clock, Settings settings, RelaySelector selector,
            RecordSink records, DialogEnder dialogs) {
        this.loop = loop;
        this.clock = clock;
        this.settings = settings;
        this.selector = selector;
        this.records = records;
        this.dialogs = dialogs;
    }

    /** Takes over sessions saved by a previous run and starts the periodic jobs. */
    public void start(Collection<DispatcherSession> restored) {
        for (DispatcherSession session : restored) {
            sessions.put(session);
        }
        Set<String> restoredRelays = new HashSet<>();
        restored.forEach(session -> restoredRelays.add(session.relayIp()));
        // Relays reconnect within seconds; the ones that never do are forgotten like dead relays.
        restoredRelays.stream().filter(ip -> !relays.containsKey(ip)).forEach(this::armDeadRelayCleanup);
        if (!restored.isEmpty()) {
            log.info("restored {} sessions on {} relays from the previous run", restored.size(), restoredRelays.size());
        }
        periodicJobs.add(loop.scheduleWithFixedDelay(this::purge, PURGE_INTERVAL.toNanos(), PURGE_INTERVAL.toNanos(),
                TimeUnit.NANOSECONDS));
        long poll = settings.loadPollInterval().toNanos();
        periodicJobs.add(loop.scheduleWithFixedDelay(this::pollLoad, poll, poll, TimeUnit.NANOSECONDS));
    }

    /** From now on, lost relays are not scheduled for clean-up: the table is about to be saved. */
    public void shutdown() {
        shuttingDown = true;
        periodicJobs.forEach(job -> job.cancel(false));
        deadRelayTimers.values().forEach(timer -> timer.cancel(false));
        deadRelayTimers.clear();
    }

    /** The session table, for saving at shutdown. */
    public Collection<DispatcherSession> sessions() {
        return sessions.all();
    }

    /** The connected relays. */
    public Collection<RelayLink> relays() {
        return List.copyOf(relays.values());
    }

    // ---------------------------------------------------------------- OpenSIPS requests

    @Override
    public CompletableFuture<String> handle(OpenSipsRequest request) {
        long deadline = System.nanoTime() + settings.budget().answerWithinNanos();
        DispatcherSession session = sessions.get(request.callId());
        if (request.command() == OpenSipsRequest.Command.UPDATE) {
            if (session != null && !session.isExpired()) {
                return update(request, session, deadline);
            }
            return create(request, deadline);
        }
        if (session == null) {
            log.warn("remove for unknown session {} (call {})", request.sessionId(), request.callId());
            return CompletableFuture.completedFuture("error");
        }
        if (session.isExpired()) {
            // The relay dropped it already and OpenSIPS ends the dialog because we asked it to.
            sessions.remove(request.callId());
            log.debug("removed expired session {}", request.sessionId());
            return CompletableFuture.completedFuture("removed");
        }
        return remove(request, session, deadline);
    }

    /** An update for a known session goes to its relay, whatever {@code media_relay} says. */
    private CompletableFuture<String> update(OpenSipsRequest request, DispatcherSession session, long deadline) {
        RelayLink relay = relays.get(session.relayIp());
        if (relay == null) {
            log.warn("session {} is on relay {} which is not connected; answering error", request.sessionId(), session.relayIp());
            return CompletableFuture.completedFuture("error");
        }
        if (session.adopted() || (session.dialogId() == null && request.dialogId() != null)) {
            sessions.put(session.confirmed(request.dialogId()));
        }
        long remaining = deadline - System.nanoTime();
        return attempt(relay, command(request), settings.budget().attemptNanos(remaining, 1, settings.relayTimeout()), null)
                .exceptionally(failure -> {
                    log.warn("update of session {} failed: {}", request.sessionId(), reason(failure));
                    return "error";
                });
    }

    /** A new session: the least loaded suitable relay first, the next one if it fails, within the budget. */
    private CompletableFuture<String> create(OpenSipsRequest request, long deadline) {
        RelaySelector.Choice choice = selector.choose(relays.values(), request.mediaRelay());
        if (choice.preferredIgnored()) {
            log.warn("media_relay {} for session {} is not a connected active relay; choosing another",
                    request.mediaRelay(), request.sessionId());
        }
        if (choice.order().isEmpty()) {
            noRelay.failed(request.sessionId());
            return CompletableFuture.completedFuture("error");
        }
        CompletableFuture<String> reply = new CompletableFuture<>();
        tryRelay(request, choice.order(), 0, deadline, reply);
        return reply;
    }

    private void tryRelay(OpenSipsRequest request, List<RelayLink> order, int index, long deadline,
            CompletableFuture<String> reply) {
        long remaining = deadline - System.nanoTime();
        if (index >= order.size() || remaining <= 0) {
            log.warn("no relay could take new session {} ({})", request.sessionId(),
                    index >= order.size() ? "tried " + order.size() + " relays" : "OpenSIPS reply budget used up");
            reply.complete("error");
            return;
        }
        RelayLink relay = order.get(index);
        if (!relay.acceptsNewSessions()) {
            tryRelay(request, order, index + 1, deadline, reply); // became unusable since the choice
            return;
        }
        long attemptNanos = settings.budget().attemptNanos(remaining, order.size() - index, settings.relayTimeout());
        attempt(relay, command(request), attemptNanos, late -> releaseLateAllocation(request, relay, late))
                .whenComplete((answer, failure) -> {
                    if (failure != null) {
                        log.info("relay {} did not take new session {}: {}", relay.ip(), request.sessionId(), reason(failure));
                        tryRelay(request, order, index + 1, deadline, reply);
                        return;
                    }
                    sessions.put(DispatcherSession.created(request.callId(), relay.ip(), request.dialogId()));
                    relay.sessionsChanged(1);
                    noRelay.relayAvailable();
                    log.debug("session {} created on relay {}", request.sessionId(), relay.ip());
                    reply.complete(answer);
                });
    }

    /**
     * A relay accepted a new session after the dispatcher had given up on it and placed the call
     * elsewhere (or answered error): release the ports it allocated for nothing.
     */
    private void releaseLateAllocation(OpenSipsRequest request, RelayLink relay, String answer) {
        DispatcherSession session = sessions.get(request.callId());
        if ("None".equals(answer) || (session != null && session.relayIp().equals(relay.ip()))) {
            return;
        }
        log.info("relay {} answered new session {} too late; releasing it there", relay.ip(), request.sessionId());
        List<String> keys = request.headerLines().stream()
                .filter(line -> line.startsWith("call_id: ") || line.startsWith("from_tag: ") || line.startsWith("to_tag: "))
                .toList();
        relay.send(new RelayCommand("remove", keys)).whenComplete((record, failure) -> {
            if (failure != null) {
                log.debug("releasing late session {} on relay {}: {}", request.sessionId(), relay.ip(), reason(failure));
            }
        });
    }

    private CompletableFuture<String> remove(OpenSipsRequest request, DispatcherSession session, long deadline) {
        RelayLink relay = relays.get(session.relayIp());
        if (relay == null) {
            log.warn("session {} is on relay {} which is not connected; answering error", request.sessionId(), session.relayIp());
            return CompletableFuture.completedFuture("error");
        }
        long remaining = deadline - System.nanoTime();
        // A record that arrives after OpenSIPS got its answer still counts: accounting never loses it.
        return attempt(relay, command(request), settings.budget().attemptNanos(remaining, 1, settings.relayTimeout()),
                late -> removed(request, relay, late))
                .handle((record, failure) -> {
                    if (failure != null) {
                        log.warn("remove of session {} failed: {}", request.sessionId(), reason(failure));
                        return "error";
                    }
                    removed(request, relay, record);
                    return "removed";
                });
    }

    private void removed(OpenSipsRequest request, RelayLink relay, String answer) {
        DispatcherSession session = sessions.get(request.callId());
        if (session != null && session.relayIp().equals(relay.ip())) {
            sessions.remove(request.callId());
            relay.sessionsChanged(-1);
        }
        ObjectNode record = parseRecord(answer);
        if (record == null) {
            log.warn("relay {} answered remove of session {} with something that is not a session record: '{}'",
                    relay.ip(), request.sessionId(), abbreviate(answer));
            return;
        }
        log.debug("session {} removed from relay {}", request.sessionId(), relay.ip());
        if (SessionRecords.wasAnswered(record)) {
            records.submit(SessionRecords.removed(record, session != null ? session.dialogId() : request.dialogId()));
        }
    }

    /**
     * Sends a command and waits at most {@code timeoutNanos} for it. A relay that lets the time
     * pass gets no new sessions until it shows life again; its answer, if it still comes, goes to
     * {@code late}.
     */
    private CompletableFuture<String> attempt(RelayLink relay, RelayCommand command, long timeoutNanos, Consumer<String> late) {
        CompletableFuture<String> attempt = new CompletableFuture<>();
        ScheduledFuture<?> timer = loop.schedule(() -> {
            if (attempt.completeExceptionally(new RelayFailure(RelayFailure.Kind.ABANDONED,
                    "relay " + relay.ip() + " did not answer within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"))) {
                relay.markUnresponsive();
            }
        }, Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
        relay.send(command).whenComplete((answer, failure) -> {
            timer.cancel(false);
            boolean inTime = failure == null ? attempt.complete(answer) : attempt.completeExceptionally(failure);
            if (!inTime && failure == null && late != null) {
                late.accept(answer);
            }
        });
        return attempt;
    }

    private static RelayCommand command(OpenSipsRequest request) {
        return new RelayCommand(request.command().wireName(), request.headerLines());
    }

    // ---------------------------------------------------------------- relay events

    @Override
    public void connected(RelayLink relay) {
        RelayLink previous = relays.put(relay.ip(), relay);
        if (previous != null) {
            log.info("relay {} reconnected; closing its previous connection", relay.ip());
            previous.close();
        } else {
            log.info("relay {} connected", relay.ip());
        }
        ScheduledFuture<?> cleanup = deadRelayTimers.remove(relay.ip());
        if (cleanup != null) {
            cleanup.cancel(false);
        }
        noRelay.relayAvailable();
        relay.send(RelayCommand.sessions()).whenComplete((answer, failure) -> {
            if (failure != null) {
                log.warn("relay {} did not list its sessions: {}", relay.ip(), reason(failure));
            } else {
                reconcile(relay, answer, false);
            }
        });
    }

    @Override
    public void disconnected(RelayLink relay) {
        if (relays.get(relay.ip()) != relay) {
            return; // replaced by a newer connection from the same relay
        }
        relays.remove(relay.ip());
        log.info("relay {} disconnected", relay.ip());
        if (!shuttingDown) {
            armDeadRelayCleanup(relay.ip());
        }
    }

    private void armDeadRelayCleanup(String ip) {
        Duration after = settings.cleanupDeadRelaysAfter();
        deadRelayTimers.put(ip, loop.schedule(() -> {
            deadRelayTimers.remove(ip);
            List<DispatcherSession> forgotten = sessions.removeIf(session -> session.relayIp().equals(ip));
            if (!forgotten.isEmpty()) {
                log.warn("relay {} did not come back within {} s; forgetting its {} sessions", ip, after.toSeconds(), forgotten.size());
            }
        }, after.toNanos(), TimeUnit.NANOSECONDS));
    }

    /**
     * Brings the table in line with a relay's {@code sessions} answer: calls the relay no longer
     * has are dropped (and their dialogs ended, the media being gone); calls it has and the table
     * lacks are adopted, which is how a restarted dispatcher learns the calls in progress. With
     * {@code adoptedOnly}, only adopted entries are checked.
     */
    private void reconcile(RelayLink relay, String answer, boolean adoptedOnly) {
        if (relays.get(relay.ip()) != relay) {
            return;
        }
        JsonNode list;
        try {
            list = PythonJson.parse(answer);
        } catch (IllegalArgumentException e) {
            list = null;
        }
        if (list == null || !list.isArray()) {
            log.warn("relay {} answered sessions with something that is not a list: '{}'", relay.ip(), abbreviate(answer));
            return;
        }
        relay.reportedLoad(RelayLoad.fromSessions(list));
        Set<String> present = new HashSet<>();
        for (JsonNode record : list) {
            String callId = record.path("call_id").asText(null);
            if (callId != null) {
                present.add(callId);
            }
        }
        List<DispatcherSession> gone = sessions.removeIf(session -> session.relayIp().equals(relay.ip())
                && !session.isExpired() && !present.contains(session.callId()) && (!adoptedOnly || session.adopted()));
        for (DispatcherSession session : gone) {
            if (session.adopted()) {
                log.debug("relay {} no longer has adopted call {}", relay.ip(), session.callId());
                continue;
            }
            log.warn("call {} is gone from relay {}; its statistics are probably lost", session.callId(), relay.ip());
            if (session.dialogId() != null) {
                dialogs.endDialog(session.callId(), session.dialogId());
            }
        }
        if (adoptedOnly) {
            return;
        }
        int adopted = 0;
        for (String callId : present) {
            if (sessions.get(callId) == null) {
                sessions.put(DispatcherSession.adopted(callId, relay.ip()));
                adopted++;
            }
        }
        if (adopted > 0) {
            log.info("adopted {} calls in progress on relay {}", adopted, relay.ip());
        }
    }

    @Override
    public void expired(RelayLink relay, String json) {
        ObjectNode record = parseRecord(json);
        if (record == null || !record.path("call_id").isTextual()) {
            log.warn("ignoring unparsable expired notice from relay {}: '{}'", relay.ip(), abbreviate(json));
            return;
        }
        String callId = record.get("call_id").asText();
        DispatcherSession session = sessions.get(callId);
        if (session == null) {
            log.warn("relay {} expired call {} which is unknown here; ignoring it", relay.ip(), callId);
            return;
        }
        if (!session.relayIp().equals(relay.ip())) {
            log.warn("relay {} expired call {} which belongs to relay {}; ignoring it", relay.ip(), callId, session.relayIp());
            return;
        }
        boolean answered = SessionRecords.wasAnswered(record);
        boolean allStreamsIce = SessionRecords.allStreamsIce(record);
        log.info("call {} expired on relay {}{}", callId, relay.ip(), allStreamsIce ? " (unselected ICE candidates)" : "");
        if (answered) {
            records.submit(SessionRecords.expired(record, session.dialogId()));
        }
        relay.sessionsChanged(-1);
        if (session.dialogId() != null && answered && !allStreamsIce && !session.isExpired()) {
            dialogs.endDialog(callId, session.dialogId());
            sessions.put(session.expired(clock.instant()));
        } else {
            sessions.remove(callId);
        }
    }

    // ---------------------------------------------------------------- periodic jobs

    private void purge() {
        Instant limit = clock.instant().minus(settings.cleanupExpiredSessionsAfter());
        for (DispatcherSession session : sessions.removeIf(s -> s.isExpired() && s.expiredAt().isBefore(limit))) {
            log.warn("forgetting expired call {}: OpenSIPS never removed it", session.callId());
        }
        Set<String> withAdopted = new HashSet<>();
        sessions.all().stream().filter(DispatcherSession::adopted).forEach(s -> withAdopted.add(s.relayIp()));
        for (String ip : withAdopted) {
            RelayLink relay = relays.get(ip);
            if (relay != null) {
                relay.send(RelayCommand.sessions()).thenAccept(answer -> reconcile(relay, answer, true));
            }
        }
    }

    private void pollLoad() {
        for (RelayLink relay : relays.values()) {
            relay.send(RelayCommand.summary()).thenAccept(answer -> {
                try {
                    relay.reportedLoad(RelayLoad.fromSummary(PythonJson.parse(answer)));
                } catch (IllegalArgumentException e) {
                    log.debug("summary of relay {} is not JSON", relay.ip());
                }
            });
        }
    }

    // ---------------------------------------------------------------- helpers

    private static ObjectNode parseRecord(String json) {
        try {
            JsonNode node = PythonJson.parse(json);
            return node instanceof ObjectNode object ? object : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String reason(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
