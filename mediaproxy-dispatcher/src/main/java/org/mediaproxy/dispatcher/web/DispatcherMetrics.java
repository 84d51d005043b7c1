package org.mediaproxy.dispatcher.web;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters the dispatcher core increments as things happen. Every method is lock-free and
 * safe from any thread, so the core calls them inline on its event loop. What can be read from
 * the current state instead (sessions and relays right now) is not counted here: the web server
 * asks {@link LiveView} for it at scrape time.
 *
 * <p>Labels take values from enums only, so no input can grow the number of series.
 */
public final class DispatcherMetrics {

    /** Why a session left the dispatcher. */
    public enum EndReason {
        /** OpenSIPS sent {@code remove} (the call ended normally). */
        REMOVED,
        /**
         * The relay sent {@code expired} with {@code timed_out: true}: media stopped, so the
         * dispatcher asked OpenSIPS to end the dialog.
         */
        TIMED_OUT,
        /**
         * The relay sent {@code expired} without a media timeout (every stream an unselected ICE
         * candidate), so the dialog goes on without the relay.
         */
        EXPIRED,
        /**
         * Forgotten without accounting because its relay stayed away for
         * {@code cleanup_dead_relays_after}, or came back without it (the relay restarted).
         */
        RELAY_LOST
    }

    /** The failures an operator wants to alert on, one counter each. */
    public enum ErrorKind {
        /** No relay could take a new session. */
        NO_RELAY,
        /** A relay answered {@code error}, or its link broke while a command was pending. */
        RELAY_ERROR,
        /** A relay did not answer within {@code relay_timeout}. */
        RELAY_TIMEOUT,
        /** A request from OpenSIPS that could not be understood. */
        BAD_REQUEST,
        /** An OpenSIPS MI command (dlg_end_dlg) failed or went unanswered. */
        MI_FAILURE,
        /** An accounting backend failed to take a record (it is spooled and retried). */
        ACCOUNTING_FAILURE
    }

    /** The commands OpenSIPS sends on the dispatcher socket. */
    public enum OpenSipsCommand {
        UPDATE, REMOVE
    }

    /** What the dispatcher answered OpenSIPS. */
    public enum OpenSipsResult {
        /** Ports for {@code update}, {@code removed} for {@code remove}. */
        OK,
        /** {@code None}: the relay had nothing to report for this {@code update}. */
        NONE,
        /** {@code error}. */
        ERROR
    }

    /**
     * Bucket bounds for the time from an OpenSIPS {@code update} to its reply: fine-grained up
     * to OpenSIPS's default 500 ms budget ({@code mediaproxy_timeout}), so {@code le="0.5"} reads
     * as "answered in time", then coarse up to the default 5 s {@code relay_timeout}.
     */
    static final double[] SETUP_LATENCY_BOUNDS = {
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 1, 2.5, 5};

    private final LongAdder sessionsStarted = new LongAdder();
    private final Map<EndReason, LongAdder> sessionsEnded = counters(EndReason.class);
    private final Map<ErrorKind, LongAdder> errors = counters(ErrorKind.class);
    private final Map<OpenSipsCommand, Map<OpenSipsResult, LongAdder>> requests = new EnumMap<>(OpenSipsCommand.class);
    private final Histogram setupLatency = new Histogram(SETUP_LATENCY_BOUNDS);

    public DispatcherMetrics() {
        for (OpenSipsCommand command : OpenSipsCommand.values()) {
            requests.put(command, counters(OpenSipsResult.class));
        }
    }

    /** A new session was created (its first {@code update} got ports from a relay). */
    public void sessionStarted() {
        sessionsStarted.increment();
    }

    public void sessionEnded(EndReason reason) {
        sessionsEnded.get(reason).increment();
    }

    /** The time from reading an OpenSIPS {@code update} to writing its reply. */
    public void setupLatency(Duration elapsed) {
        setupLatency.observe(elapsed);
    }

    public void error(ErrorKind kind) {
        errors.get(kind).increment();
    }

    /** One request from OpenSIPS answered. */
    public void openSipsRequest(OpenSipsCommand command, OpenSipsResult result) {
        requests.get(command).get(result).increment();
    }

    void writeTo(PrometheusText out) {
        out.family("mediaproxy_dispatcher_sessions_started_total", PrometheusText.Type.COUNTER,
                "Sessions created since the dispatcher started.");
        out.sample("mediaproxy_dispatcher_sessions_started_total", sessionsStarted.sum());

        out.family("mediaproxy_dispatcher_sessions_ended_total", PrometheusText.Type.COUNTER,
                "Sessions ended since the dispatcher started, by reason: removed by OpenSIPS, "
                        + "timed_out (no media), expired (ICE went around the relay), relay_lost.");
        sessionsEnded.forEach((reason, count) ->
                out.sample("mediaproxy_dispatcher_sessions_ended_total", count.sum(), "reason", label(reason)));

        out.family("mediaproxy_dispatcher_setup_latency_seconds", PrometheusText.Type.HISTOGRAM,
                "Time from an OpenSIPS update request to the dispatcher's reply.");
        setupLatency.writeTo(out, "mediaproxy_dispatcher_setup_latency_seconds");

        out.family("mediaproxy_dispatcher_opensips_requests_total", PrometheusText.Type.COUNTER,
                "Requests from OpenSIPS answered, by command and result (ok, none, error).");
        requests.forEach((command, results) -> results.forEach((result, count) ->
                out.sample("mediaproxy_dispatcher_opensips_requests_total", count.sum(),
                        "command", label(command), "result", label(result))));

        out.family("mediaproxy_dispatcher_errors_total", PrometheusText.Type.COUNTER,
                "Failures by kind since the dispatcher started.");
        errors.forEach((kind, count) ->
                out.sample("mediaproxy_dispatcher_errors_total", count.sum(), "kind", label(kind)));
    }

    private static String label(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** One counter per enum constant, created up front so every series is exported from zero. */
    private static <E extends Enum<E>> Map<E, LongAdder> counters(Class<E> type) {
        Map<E, LongAdder> counters = new EnumMap<>(type);
        for (E value : type.getEnumConstants()) {
            counters.put(value, new LongAdder());
        }
        return counters;
    }
}
