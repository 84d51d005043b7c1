package org.mediaproxy.dispatcher;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.mediaproxy.dispatcher.opensips.OpenSipsRequest;
import org.mediaproxy.dispatcher.opensips.OpenSipsRequestHandler;
import org.mediaproxy.dispatcher.relay.RelayCommand;
import org.mediaproxy.dispatcher.relay.RelayFailure;
import org.mediaproxy.dispatcher.relay.RelayLink;
import org.mediaproxy.dispatcher.relay.RelayRegistry;
import org.mediaproxy.dispatcher.relay.RelaySelector;
import org.mediaproxy.dispatcher.session.DispatcherSession;
import org.mediaproxy.dispatcher.session.RecordSink;
import org.mediaproxy.dispatcher.session.SessionRecords;
import org.mediaproxy.dispatcher.session.SessionTable;
import org.mediaproxy.dispatcher.web.DispatcherMetrics;
import org.mediaproxy.dispatcher.web.DispatcherMetrics.EndReason;
import org.mediaproxy.dispatcher.web.DispatcherMetrics.ErrorKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves OpenSIPS requests (dispatcher-relay-protocol.md §5, with the improvements): a
 * known call goes to its relay, a new one to the least loaded suitable relay and, if that fails,
 * the next, all within the OpenSIPS reply budget. Records answered to {@code remove} go to
 * accounting, even when they come after OpenSIPS got its answer. Runs on the dispatcher's event loop.
 */
final class RequestRouter implements OpenSipsRequestHandler {

    private static final Logger log = LoggerFactory.getLogger(RequestRouter.class);

    private final ScheduledExecutorService loop;
    private final ReplyBudget budget;
    private final Duration relayTimeout;
    private final RelayRegistry relays;
    private final RelaySelector selector;
    private final SessionTable sessions;
    private final RecordSink records;
    private final NoRelayWarning noRelay;
    private final DispatcherMetrics metrics;

    RequestRouter(ScheduledExecutorService loop, ReplyBudget budget, Duration relayTimeout, RelayRegistry relays,
            RelaySelector selector, SessionTable sessions, RecordSink records, NoRelayWarning noRelay,
            DispatcherMetrics metrics) {
        this.loop = loop;
        this.budget = budget;
        this.relayTimeout = relayTimeout;
        this.relays = relays;
        this.selector = selector;
        this.sessions = sessions;
        this.records = records;
        this.noRelay = noRelay;
        this.metrics = metrics;
    }

    @Override
    public CompletableFuture<String> handle(OpenSipsRequest request) {
        long deadline = System.nanoTime() + budget.answerWithinNanos();
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
            metrics.error(ErrorKind.RELAY_ERROR);
            return CompletableFuture.completedFuture("error");
        }
        if (session.adopted() || (session.dialogId() == null && request.dialogId() != null)) {
            sessions.put(session.confirmed(request.dialogId()));
        }
        long remaining = deadline - System.nanoTime();
        return attempt(relay, command(request), budget.attemptNanos(remaining, 1, relayTimeout), null)
                .exceptionally(failure -> {
                    log.warn("update of session {} failed: {}", request.sessionId(), LogText.reason(failure));
                    return "error";
                });
    }

    /** A new session: the least loaded suitable relay first, the next one if it fails, within the budget. */
    private CompletableFuture<String> create(OpenSipsRequest request, long deadline) {
        RelaySelector.Choice choice = selector.choose(relays.all(), request.mediaRelay());
        if (choice.preferredIgnored()) {
            log.warn("media_relay {} for session {} is not a connected active relay; choosing another",
                    request.mediaRelay(), request.sessionId());
        }
        if (choice.order().isEmpty()) {
            noRelay.failed(request.sessionId());
            metrics.error(ErrorKind.NO_RELAY);
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
            metrics.error(ErrorKind.NO_RELAY);
            reply.complete("error");
            return;
        }
        RelayLink relay = order.get(index);
        if (!relay.acceptsNewSessions()) {
            tryRelay(request, order, index + 1, deadline, reply); // became unusable since the choice
            return;
        }
        long attemptNanos = budget.attemptNanos(remaining, order.size() - index, relayTimeout);
        attempt(relay, command(request), attemptNanos, late -> releaseLateAllocation(request, relay, late))
                .whenComplete((answer, failure) -> {
                    if (failure != null) {
                        log.info("relay {} did not take new session {}: {}", relay.ip(), request.sessionId(), LogText.reason(failure));
                        tryRelay(request, order, index + 1, deadline, reply);
                        return;
                    }
                    sessions.put(DispatcherSession.created(request.callId(), relay.ip(), request.dialogId()));
                    relay.sessionsChanged(1);
                    metrics.sessionStarted();
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
                log.debug("releasing late session {} on relay {}: {}", request.sessionId(), relay.ip(), LogText.reason(failure));
            }
        });
    }

    private CompletableFuture<String> remove(OpenSipsRequest request, DispatcherSession session, long deadline) {
        RelayLink relay = relays.get(session.relayIp());
        if (relay == null) {
            log.warn("session {} is on relay {} which is not connected; answering error", request.sessionId(), session.relayIp());
            metrics.error(ErrorKind.RELAY_ERROR);
            return CompletableFuture.completedFuture("error");
        }
        long remaining = deadline - System.nanoTime();
        // A record that arrives after OpenSIPS got its answer still counts: accounting never loses it.
        return attempt(relay, command(request), budget.attemptNanos(remaining, 1, relayTimeout),
                late -> removed(request, relay, late))
                .handle((record, failure) -> {
                    if (failure != null) {
                        log.warn("remove of session {} failed: {}", request.sessionId(), LogText.reason(failure));
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
            metrics.sessionEnded(EndReason.REMOVED);
        }
        ObjectNode record = SessionRecords.parse(answer);
        if (record == null) {
            log.warn("relay {} answered remove of session {} with something that is not a session record: '{}'",
                    relay.ip(), request.sessionId(), LogText.abbreviate(answer));
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
     * {@code late}. Each failed attempt is counted once, as the failure that ended it.
     */
    private CompletableFuture<String> attempt(RelayLink relay, RelayCommand command, long timeoutNanos, Consumer<String> late) {
        CompletableFuture<String> attempt = new CompletableFuture<>();
        ScheduledFuture<?> timer = loop.schedule(() -> {
            if (attempt.completeExceptionally(new RelayFailure(RelayFailure.Kind.ABANDONED,
                    "relay " + relay.ip() + " did not answer within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"))) {
                relay.markUnresponsive();
                metrics.error(ErrorKind.RELAY_TIMEOUT);
            }
        }, Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
        relay.send(command).whenComplete((answer, failure) -> {
            timer.cancel(false);
            boolean inTime = failure == null ? attempt.complete(answer) : attempt.completeExceptionally(failure);
            if (inTime && failure != null) {
                metrics.error(errorKind(failure));
            }
            if (!inTime && failure == null && late != null) {
                late.accept(answer);
            }
        });
        return attempt;
    }

    private static ErrorKind errorKind(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof RelayFailure relayFailure
                && (relayFailure.kind() == RelayFailure.Kind.TIMEOUT || relayFailure.kind() == RelayFailure.Kind.ABANDONED)) {
            return ErrorKind.RELAY_TIMEOUT;
        }
        return ErrorKind.RELAY_ERROR; // error answer, halting, link gone
    }

    private static RelayCommand command(OpenSipsRequest request) {
        return new RelayCommand(request.command().wireName(), request.headerLines());
    }
}
