package org.mediaproxy.management;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Renders the dispatcher's {@code summary} answer: one row per relay. */
final class SummaryView {

    private SummaryView() {
    }

    static String render(JsonNode relays) {
        SessionsView.TextTable table = new SessionsView.TextTable(
                "RELAY", "VERSION", "STATUS", "UPTIME", "SESSIONS", "STREAMS", "BANDWIDTH");
        for (JsonNode relay : relays) {
            if ("error".equals(relay.path("status").asText())) {
                table.add(relay.path("ip").asText("?"), "-", "error (no answer)", "-", "-", "-", "-");
                continue;
            }
            table.add(
                    relay.path("ip").asText("?"),
                    relay.path("version").asText("?"),
                    relay.path("status").asText("?"),
                    uptime(relay.path("uptime").asLong()),
                    Long.toString(relay.path("session_count").asLong()),
                    streams(relay.path("stream_count")),
                    bandwidth(relay.path("bps_relayed").asDouble()));
        }
        int count = relays.size();
        return table.render() + (count == 1 ? "1 relay\n" : count + " relays\n");
    }

    private static String streams(JsonNode counts) {
        List<String> parts = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = counts.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            parts.add(field.getValue().asLong() + " " + field.getKey());
        }
        return parts.isEmpty() ? "0" : String.join(", ", parts);
    }

    static String uptime(long seconds) {
        long days = seconds / 86400;
        String clock = SessionsView.duration(seconds % 86400);
        return days > 0 ? days + "d " + clock : clock;
    }

    static String bandwidth(double bitsPerSecond) {
        if (bitsPerSecond < 1000) {
            return String.format("%.0f bit/s", bitsPerSecond);
        }
        if (bitsPerSecond < 1_000_000) {
            return String.format("%.1f kbit/s", bitsPerSecond / 1000);
        }
        return String.format("%.2f Mbit/s", bitsPerSecond / 1_000_000);
    }
}
