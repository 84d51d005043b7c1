package org.mediaproxy.management;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Renders the dispatcher's {@code sessions} answer (a JSON array of session records) as the table an
 * operator reads: one row per call with its media streams folded into a few columns.
 */
final class SessionsView {

    private static final String[] HEADER = {
        "CALLER", "CALLEE", "RELAY", "STREAMS", "CODECS", "DURATION", "PACKETS", "BYTES", "STATUS"};

    private SessionsView() {
    }

    static String render(JsonNode sessions) {
        TextTable table = new TextTable(HEADER);
        for (JsonNode session : sessions) {
            JsonNode streams = session.path("streams");
            Set<String> types = new LinkedHashSet<>();
            Set<String> codecs = new LinkedHashSet<>();
            Set<String> statuses = new LinkedHashSet<>();
            long packets = 0;
            long bytes = 0;
            String relay = "-";
            for (JsonNode stream : streams) {
                types.add(stream.path("media_type").asText());
                codecs.add(codecPair(stream));
                statuses.add(stream.path("status").asText());
                packets += stream.path("caller_packets").asLong() + stream.path("callee_packets").asLong();
                bytes += stream.path("caller_bytes").asLong() + stream.path("callee_bytes").asLong();
                if ("-".equals(relay)) {
                    relay = hostOf(stream.path("caller_local").asText("-"));
                }
            }
            table.add(
                    party(session, "from_uri", "caller_ua"),
                    party(session, "to_uri", "callee_ua"),
                    relay,
                    types.isEmpty() ? "-" : String.join(",", types),
                    codecs.isEmpty() ? "-" : String.join(",", codecs),
                    duration(session.path("duration").asLong()),
                    Long.toString(packets),
                    humanBytes(bytes),
                    statuses.isEmpty() ? "no answer yet" : String.join(",", statuses));
        }
        return table.render() + footer(sessions.size());
    }

    private static String party(JsonNode session, String uriKey, String agentKey) {
        String uri = session.path(uriKey).asText("?");
        String agent = session.path(agentKey).asText("");
        return agent.isEmpty() || agent.equals("Unknown") ? uri : uri + " (" + agent + ")";
    }

    private static String codecPair(JsonNode stream) {
        String caller = stream.path("caller_codec").asText("Unknown");
        String callee = stream.path("callee_codec").asText("Unknown");
        return caller.equals(callee) ? caller : caller + "/" + callee;
    }

    static String hostOf(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return colon > 0 ? hostPort.substring(0, colon) : hostPort;
    }

    static String duration(long seconds) {
        return String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }

    static String humanBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format("%.1f %s", value, units[unit]);
    }

    private static String footer(int count) {
        return count == 1 ? "1 session\n" : count + " sessions\n";
    }

    /** Left-aligned columns separated by two spaces, widths from the widest cell. */
    static final class TextTable {
        private final String[] header;
        private final List<String[]> rows = new ArrayList<>();

        TextTable(String... header) {
            this.header = header;
        }

        void add(String... row) {
            rows.add(row);
        }

        String render() {
            int[] widths = new int[header.length];
            for (int i = 0; i < header.length; i++) {
                widths[i] = header[i].length();
                for (String[] row : rows) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            StringBuilder out = new StringBuilder();
            line(out, header, widths);
            for (String[] row : rows) {
                line(out, row, widths);
            }
            return out.toString();
        }

        private static void line(StringBuilder out, String[] cells, int[] widths) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < cells.length; i++) {
                if (i > 0) {
                    line.append("  ");
                }
                line.append(cells[i]);
                if (i < cells.length - 1) {
                    line.append(" ".repeat(widths[i] - cells[i].length()));
                }
            }
            out.append(line).append('\n');
        }
    }
}
