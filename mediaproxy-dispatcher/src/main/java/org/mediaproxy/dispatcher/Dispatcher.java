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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.mediaproxy.common.json.PythonJson;
import org.mediaproxy.dispatcher.mi.DialogEnder;
import org.mediaproxy.dispatcher.opensips.OpenSipsRequestHandler;
import org.mediaproxy.dispatcher.relay.RelayCommand;
import org.mediaproxy.dispatcher.relay.RelayEvents;
import org.mediaproxy.dispatcher.relay.RelayLink;
import org.mediaproxy.dispatcher.relay.RelayLoad;
import org.mediaproxy.dispatcher.relay.RelayRegistry;
import org.mediaproxy.dispatcher.relay.RelaySelector;
import org.mediaproxy.dispatcher.session.DispatcherSession;
import org.mediaproxy.dispatcher.session.RecordSink;
import org.mediaproxy.dispatcher.session.SessionRecords;
import org.mediaproxy.dispatcher.session.SessionTable;
import org.mediaproxy.dispatcher.web.DispatcherMetrics;
import org.mediaproxy.dispatcher.web.DispatcherMetrics.EndReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher's state and its upkeep: the session table and the connected relays. OpenSIPS
 * requests are served by its {@link RequestRouter} ({@link #requests()}); the relay events kept
 * here reconcile the table with each relay that (re)connects, adopt the calls a restarted
 * dispatcher finds on its relays, account expired sessions and ask OpenSIPS to end their dialogs,
 * forget relays that stay away. Confined to one event loop: every method runs on it.
 */
public final class Dispatcher implements RelayEvents {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    /** How often expired-but-unremoved sessions are purged (the original's interval). */
    public static final Duration PURGE_INTERVAL = Duration.ofSeconds(600);
    /** How often relays are asked for their load, to see what other dispatchers put on them. */
    public static final Duration LOAD_POLL_INTERVAL = Duration.ofSeconds(15);

    /** Timing from {@code [Dispatcher]}, plus the intervals of the periodic jobs. */
    public record Settings(ReplyBudget budget, Duration relayTimeout, Duration cleanupDeadRelaysAfter,
            Duration cleanupExpiredSessionsAfter, Duration loadPollInterval, Duration purgeInterval) {
    }

    private final ScheduledExecutorService loop;
    private final Clock clock;
    private final Settings settings;
    private final RecordSink records;
    private final DialogEnder dialogs;
    private final DispatcherMetrics metrics;
    private final SessionTable sessions = new SessionTable();
    private final RelayRegistry relays = new RelayRegistry();
    private final Map<String, ScheduledFuture<?>> deadRelayTimers = new HashMap<>();
    private final List<ScheduledFuture<?>> periodicJobs = new ArrayList<>();
    private final NoRelayWarning noRelay = new NoRelayWarning();
    private final RequestRouter router;
    private boolean shuttingDown;

    public Dispatcher(ScheduledExecutorService loop, Clock clock, Settings settings, RelaySelector selector,
            RecordSink records, DialogEnder dialogs, DispatcherMetrics metrics) {
        this.loop = loop;
        this.clock = clock;
        this.settings = settings;
        this.records = records;
        this.dialogs = dialogs;
        this.metrics = metrics;
        this.router = new RequestRouter(loop, settings.budget(), settings.relayTimeout(), relays, selector, sessions,
                records, noRelay, metrics);
    }

    /** Serves the OpenSIPS requests. */
    public OpenSipsRequestHandler requests() {
        return router;
    }

    /** Takes over sessions saved by a previous run and starts the periodic jobs. */
    public void start(Collection<DispatcherSession> restored) {
        for (DispatcherSession session : restored) {
            sessions.put(session);
        }
        Set<String> restoredRelays = new HashSet<>();
        restored.forEach(session -> restoredRelays.add(session.relayIp()));
        // Relays reconnect within seconds; the ones that never do are forgotten like dead relays.
        restoredRelays.stream().filter(ip -> relays.get(ip) == null).forEach(this::armDeadRelayCleanup);
        if (!restored.isEmpty()) {
            log.info("restored {} sessions on {} relays from the previous run", restored.size(), restoredRelays.size());
        }
        long purge = settings.purgeInterval().toNanos();
        periodicJobs.add(loop.scheduleWithFixedDelay(this::purge, purge, purge, TimeUnit.NANOSECONDS));
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
        return relays.all();
    }

    // ---------------------------------------------------------------- relay events

    @Override
    public void connected(RelayLink relay) {
        RelayLink previous = relays.register(relay);
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
                log.warn("relay {} did not list its sessions: {}", relay.ip(), LogText.reason(failure));
            } else {
                reconcile(relay, answer, false);
            }
        });
    }

    @Override
    public void disconnected(RelayLink relay) {
        if (!relays.unregister(relay)) {
            return; // replaced by a newer connection from the same relay
        }
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
            // Expired ones were counted when they expired; adopted ones may be other dispatchers' calls.
            forgotten.stream().filter(session -> !session.isExpired() && !session.adopted())
                    .forEach(session -> metrics.sessionEnded(EndReason.RELAY_LOST));
        }, after.toNanos(), TimeUnit.NANOSECONDS));
    }

    /**
     * Brings the table in line with a relay's {@code sessions} answer: calls the relay no longer
     * has are dropped (and their dialogs ended, the media being gone); calls it has and the table
     * lacks are adopted, which is how a restarted dispatcher learns the calls in progress. With
     * {@code adoptedOnly}, only adopted entries are checked.
     */
    private void reconcile(RelayLink relay, String answer, boolean adoptedOnly) {
        if (!relays.isCurrent(relay)) {
            return;
        }
        JsonNode list;
        try {
            list = PythonJson.parse(answer);
        } catch (IllegalArgumentException e) {
            list = null;
        }
        if (list == null || !list.isArray()) {
            log.warn("relay {} answered sessions with something that is not a list: '{}'", relay.ip(), LogText.abbreviate(answer));
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
            metrics.sessionEnded(EndReason.RELAY_LOST);
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
        ObjectNode record = SessionRecords.parse(json);
        if (record == null || !record.path("call_id").isTextual()) {
            log.warn("ignoring unparsable expired notice from relay {}: '{}'", relay.ip(), LogText.abbreviate(json));
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
        if (session.isExpired()) {
            // Accounted and its dialog ended already; a repeat must neither account it twice nor
            // drop the session that OpenSIPS's coming remove is answered from.
            log.warn("relay {} expired call {} again; it was accounted already, ignoring the repeat", relay.ip(), callId);
            return;
        }
        boolean answered = SessionRecords.wasAnswered(record);
        boolean allStreamsIce = SessionRecords.allStreamsIce(record);
        log.info("call {} expired on relay {}{}", callId, relay.ip(), allStreamsIce ? " (unselected ICE candidates)" : "");
        if (answered) {
            records.submit(SessionRecords.expired(record, session.dialogId()));
        }
        relay.sessionsChanged(-1);
        metrics.sessionEnded(allStreamsIce ? EndReason.EXPIRED : EndReason.TIMED_OUT);
        if (session.dialogId() != null && answered && !allStreamsIce) {
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
        for (RelayLink relay : relays.all()) {
            relay.send(RelayCommand.summary()).thenAccept(answer -> {
                try {
                    relay.reportedLoad(RelayLoad.fromSummary(PythonJson.parse(answer)));
                } catch (IllegalArgumentException e) {
                    log.debug("summary of relay {} is not JSON", relay.ip());
                }
            });
        }
    }
}
