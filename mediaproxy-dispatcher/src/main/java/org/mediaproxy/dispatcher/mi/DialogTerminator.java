package org.mediaproxy.dispatcher.mi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.mediaproxy.common.config.DialogIdFormat;
import org.mediaproxy.common.json.PythonJson;
import org.mediaproxy.dispatcher.web.DispatcherMetrics;
import org.mediaproxy.dispatcher.web.DispatcherMetrics.ErrorKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends dialogs through OpenSIPS MI with JSON-RPC {@code dlg_end_dlg} (opensips-protocol.md §8):
 * one datagram per attempt, answers matched by id, 3 s to answer. Unlike the original, an
 * attempt that could not be delivered or got no answer (OpenSIPS restarting, socket missing) is
 * retried, each time with a fresh id; refusals are logged, with a hint when the dialog id format
 * is the likely cause. Every failed attempt counts as one {@link ErrorKind#MI_FAILURE}. Runs on
 * the dispatcher's event loop.
 */
public final class DialogTerminator implements DialogEnder {

    private static final Logger log = LoggerFactory.getLogger(DialogTerminator.class);

    /** How datagrams reach OpenSIPS; the future fails when the datagram could not be sent. */
    @FunctionalInterface
    public interface Datagrams {
        CompletableFuture<Void> send(String payload);
    }

    /** Retry and timing policy. */
    public record Policy(Duration replyTimeout, int attempts, Duration retryDelay) {
        public static final Policy DEFAULT = new Policy(Duration.ofSeconds(3), 3, Duration.ofSeconds(2));
    }

    private record Attempt(String callId, String dialogId, int number, ScheduledFuture<?> timer) {
    }

    private final Datagrams datagrams;
    private final ScheduledExecutorService scheduler;
    private final DialogIdFormat format;
    private final Policy policy;
    private final Random random;
    private final DispatcherMetrics metrics;
    private final Map<String, Attempt> pending = new LinkedHashMap<>();

    public DialogTerminator(Datagrams datagrams, ScheduledExecutorService scheduler, DialogIdFormat format, Policy policy,
            Random random, DispatcherMetrics metrics) {
        this.datagrams = datagrams;
        this.scheduler = scheduler;
        this.format = format;
        this.policy = policy;
        this.random = random;
        this.metrics = metrics;
    }

    @Override
    public void endDialog(String callId, String dialogId) {
        attempt(callId, dialogId, 1);
    }

    /** The JSON-RPC request, byte for byte in the original's layout. */
    static String request(String id, String dialogParameter) {
        ObjectNode request = PythonJson.object();
        request.put("jsonrpc", "2.0");
        request.put("id", id);
        request.put("method", "dlg_end_dlg");
        request.putArray("params").add(dialogParameter);
        return PythonJson.write(request);
    }

    private void attempt(String callId, String dialogId, int number) {
        String id = newId();
        String parameter = DialogIds.parameter(format, dialogId, callId);
        ScheduledFuture<?> timer = scheduler.schedule(() -> unanswered(id), policy.replyTimeout().toNanos(), TimeUnit.NANOSECONDS);
        pending.put(id, new Attempt(callId, dialogId, number, timer));
        log.info("asking OpenSIPS to end dialog {} (call {})", parameter, callId);
        datagrams.send(request(id, parameter)).whenComplete((sent, failure) -> {
            if (failure != null) {
                Attempt failed = pending.remove(id);
                if (failed != null) {
                    failed.timer().cancel(false);
                    metrics.error(ErrorKind.MI_FAILURE);
                    retryOrGiveUp(failed, "cannot send to OpenSIPS MI: " + failure.getMessage());
                }
            }
        });
    }

    /** Lower-case hex without leading zeros, as the original writes it. */
    private String newId() {
        String id;
        do {
            id = Integer.toHexString(random.nextInt());
        } while (pending.containsKey(id));
        return id;
    }

    private void unanswered(String id) {
        Attempt attempt = pending.remove(id);
        if (attempt != null) {
            metrics.error(ErrorKind.MI_FAILURE);
            retryOrGiveUp(attempt, "OpenSIPS MI did not answer within " + policy.replyTimeout().toMillis() + " ms");
        }
    }

    private void retryOrGiveUp(Attempt attempt, String problem) {
        if (attempt.number() < policy.attempts()) {
            log.warn("{} (ending dialog of call {}, attempt {} of {}); retrying", problem, attempt.callId(),
                    attempt.number(), policy.attempts());
            scheduler.schedule(() -> attempt(attempt.callId(), attempt.dialogId(), attempt.number() + 1),
                    policy.retryDelay().toNanos(), TimeUnit.NANOSECONDS);
        } else {
            log.error("{}; gave up ending the dialog of call {} after {} attempts", problem, attempt.callId(), attempt.number());
        }
    }

    /** Handles one datagram from OpenSIPS. */
    public void received(String datagram) {
        MiReply reply = MiReply.parse(datagram);
        if (reply instanceof MiReply.Result result) {
            Attempt attempt = take(result.id(), datagram);
            if (attempt != null) {
                log.info("OpenSIPS ended the dialog of call {}", attempt.callId());
            }
        } else if (reply instanceof MiReply.Failure failure) {
            Attempt attempt = take(failure.id(), datagram);
            if (attempt != null) {
                refused(attempt, failure.code(), failure.message());
            }
        } else if (reply instanceof MiReply.Plain plain) {
            // No id to match: attributable only when a single request is outstanding.
            if (pending.size() == 1) {
                Attempt attempt = take(pending.keySet().iterator().next(), datagram);
                if (plain.code() / 100 == 2) {
                    log.info("OpenSIPS ended the dialog of call {}", attempt.callId());
                } else {
                    refused(attempt, plain.code(), plain.message());
                }
            } else {
                log.warn("cannot attribute OpenSIPS MI answer '{}' ({} requests pending)", datagram.strip(), pending.size());
            }
        } else {
            log.warn("ignoring unparsable OpenSIPS MI answer '{}'", datagram.strip());
        }
    }

    private Attempt take(String id, String datagram) {
        Attempt attempt = id == null ? null : pending.remove(id);
        if (attempt == null) {
            log.warn("ignoring OpenSIPS MI answer for no pending request: {}", datagram.strip());
            return null;
        }
        attempt.timer().cancel(false);
        return attempt;
    }

    private void refused(Attempt attempt, int code, String message) {
        if (code != 404 || attempt.number() == 1) {
            metrics.error(ErrorKind.MI_FAILURE);
        }
        String parameter = DialogIds.parameter(format, attempt.dialogId(), attempt.callId());
        if (code == 404 && attempt.number() > 1) {
            // Not a failure: the dialog is gone, most likely ended by an attempt whose answer was lost.
            log.info("OpenSIPS no longer knows dialog {} of call {} (an earlier attempt probably ended it)",
                    parameter, attempt.callId());
        } else if (code == 404) {
            log.warn("OpenSIPS refused to end dialog {} of call {}: {} {}{}", parameter, attempt.callId(), code, message,
                    format == DialogIdFormat.DECIMAL
                            ? " (OpenSIPS 3.1 and later need [OpenSIPS] dialog_id_format = hex or callid)" : "");
        } else if (code >= 500 && attempt.number() < policy.attempts()) {
            retryOrGiveUp(attempt, "OpenSIPS MI answered " + code + " " + message);
        } else {
            log.warn("OpenSIPS refused to end dialog {} of call {}: {} {}", parameter, attempt.callId(), code, message);
        }
    }

    /** Requests still waiting for an answer (for tests and shutdown). */
    public int pendingCount() {
        return pending.size();
    }
}
