package org.mediaproxy.dispatcher.web;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * One scrape's snapshot of the {@link LiveView}, turned into gauges. Each part is empty when the
 * dispatcher could not give it in time; its families are then left out and
 * {@code mediaproxy_dispatcher_scrape_source_up} says so, rather than the scrape failing and the
 * counters going missing with it.
 *
 * <p>The JSON comes from the relays, so nothing in it is trusted to have the documented shape: a
 * missing or mistyped field leaves its sample out.
 */
record LiveState(Optional<JsonNode> sessions, Optional<JsonNode> summary, OptionalInt spoolDepth) {

    private static final List<String> RELAY_STATES = List.of("active", "halting", "error");

    void writeTo(PrometheusText out) {
        sessions.filter(JsonNode::isArray).ifPresent(list -> writeSessions(out, list));
        summary.filter(JsonNode::isArray).ifPresent(list -> writeRelays(out, list));
        spoolDepth.ifPresent(depth -> {
            out.family("mediaproxy_dispatcher_accounting_spool_depth", PrometheusText.Type.GAUGE,
                    "Session records spooled on disk, waiting for an accounting backend to take them.");
            out.sample("mediaproxy_dispatcher_accounting_spool_depth", depth);
        });
        out.family("mediaproxy_dispatcher_scrape_source_up", PrometheusText.Type.GAUGE,
                "1 if this scrape got the part of the dispatcher's state its families come from, 0 if not.");
        out.sample("mediaproxy_dispatcher_scrape_source_up", up(sessions.filter(JsonNode::isArray).isPresent()),
                "source", "sessions");
        out.sample("mediaproxy_dispatcher_scrape_source_up", up(summary.filter(JsonNode::isArray).isPresent()),
                "source", "summary");
        out.sample("mediaproxy_dispatcher_scrape_source_up", up(spoolDepth.isPresent()), "source", "spool");
    }

    private static void writeSessions(PrometheusText out, JsonNode sessions) {
        Map<String, Map<String, Long>> streams = new TreeMap<>(); // media type -> status -> count
        long[] bytes = new long[2];
        long[] packets = new long[2];
        for (JsonNode session : sessions) {
            for (JsonNode stream : session.path("streams")) {
                streams.computeIfAbsent(text(stream, "media_type"), type -> new TreeMap<>())
                        .merge(text(stream, "status"), 1L, Long::sum);
                bytes[0] += counter(stream, "caller_bytes");
                bytes[1] += counter(stream, "callee_bytes");
                packets[0] += counter(stream, "caller_packets");
                packets[1] += counter(stream, "callee_packets");
            }
        }
        out.family("mediaproxy_dispatcher_sessions_active", PrometheusText.Type.GAUGE,
                "Sessions the connected relays hold now (the management command sessions).");
        out.sample("mediaproxy_dispatcher_sessions_active", sessions.size());

        out.family("mediaproxy_dispatcher_streams", PrometheusText.Type.GAUGE,
                "Media streams of the current sessions, by media type and status.");
        streams.forEach((type, statuses) -> statuses.forEach((status, count) ->
                out.sample("mediaproxy_dispatcher_streams", count, "media_type", type, "status", status)));

        out.family("mediaproxy_dispatcher_active_sessions_relayed_bytes", PrometheusText.Type.GAUGE,
                "Bytes relayed so far for the current sessions, by the party that sent them; "
                        + "drops when a session ends.");
        out.sample("mediaproxy_dispatcher_active_sessions_relayed_bytes", bytes[0], "party", "caller");
        out.sample("mediaproxy_dispatcher_active_sessions_relayed_bytes", bytes[1], "party", "callee");

        out.family("mediaproxy_dispatcher_active_sessions_relayed_packets", PrometheusText.Type.GAUGE,
                "Packets relayed so far for the current sessions, by the party that sent them; "
                        + "drops when a session ends.");
        out.sample("mediaproxy_dispatcher_active_sessions_relayed_packets", packets[0], "party", "caller");
        out.sample("mediaproxy_dispatcher_active_sessions_relayed_packets", packets[1], "party", "callee");
    }

    private static void writeRelays(PrometheusText out, JsonNode summary) {
        // One series per relay address: a second entry for the same address would be a duplicate
        // series, which makes Prometheus reject the whole scrape.
        Map<String, JsonNode> relays = new LinkedHashMap<>();
        for (JsonNode relay : summary) {
            if (relay.path("ip").isTextual()) {
                relays.putIfAbsent(relay.get("ip").asText(), relay);
            }
        }
        out.family("mediaproxy_dispatcher_relays_connected", PrometheusText.Type.GAUGE,
                "Relays connected to this dispatcher, answering or not.");
        out.sample("mediaproxy_dispatcher_relays_connected", relays.size());

        out.family("mediaproxy_relay_status", PrometheusText.Type.GAUGE,
                "1 for the relay's current status (active, halting, or error when it did not answer), 0 for the others.");
        relays.forEach((ip, relay) -> {
            String status = text(relay, "status");
            List<String> states = new ArrayList<>(RELAY_STATES);
            if (!states.contains(status)) {
                states.add(status);
            }
            for (String state : states) {
                out.sample("mediaproxy_relay_status", up(state.equals(status)), "relay", ip, "status", state);
            }
        });

        out.family("mediaproxy_relay_info", PrometheusText.Type.GAUGE, "The software version each relay reports.");
        relays.forEach((ip, relay) -> {
            if (relay.path("version").isTextual()) {
                out.sample("mediaproxy_relay_info", 1, "relay", ip, "version", relay.get("version").asText());
            }
        });

        out.family("mediaproxy_relay_uptime_seconds", PrometheusText.Type.GAUGE, "Seconds since each relay started.");
        relays.forEach((ip, relay) -> number(relay, "uptime").ifPresent(value ->
                out.sample("mediaproxy_relay_uptime_seconds", value, "relay", ip)));

        out.family("mediaproxy_relay_sessions", PrometheusText.Type.GAUGE,
                "Sessions on each relay, of every dispatcher it serves.");
        relays.forEach((ip, relay) -> number(relay, "session_count").ifPresent(value ->
                out.sample("mediaproxy_relay_sessions", value, "relay", ip)));

        out.family("mediaproxy_relay_streams", PrometheusText.Type.GAUGE,
                "Live media streams on each relay, by media type.");
        relays.forEach((ip, relay) -> relay.path("stream_count").properties().forEach(field -> {
            if (field.getValue().isNumber()) {
                out.sample("mediaproxy_relay_streams", field.getValue().asDouble(),
                        "relay", ip, "media_type", field.getKey());
            }
        }));

        out.family("mediaproxy_relay_bandwidth_bits_per_second", PrometheusText.Type.GAUGE,
                "Bits per second each relay forwarded, averaged over its last sampling period.");
        relays.forEach((ip, relay) -> number(relay, "bps_relayed").ifPresent(value ->
                out.sample("mediaproxy_relay_bandwidth_bits_per_second", value, "relay", ip)));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? value.asText() : "unknown";
    }

    private static long counter(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isIntegralNumber() && value.asLong() > 0 ? value.asLong() : 0;
    }

    private static Optional<Double> number(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isNumber() ? Optional.of(value.asDouble()) : Optional.empty();
    }

    private static int up(boolean up) {
        return up ? 1 : 0;
    }
}
