package org.mediaproxy.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mediaproxy.common.json.PythonJson;

class ViewsTest {

    /** Lines the original 4.1.2 dispatcher answered: version, summary, sessions. */
    private static List<String> originalAnswers() throws IOException {
        try (InputStream in = ViewsTest.class.getResourceAsStream("/fixtures/call1-management.jsonl")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    @Test
    void sessionsTableShowsTheOriginalsCall() throws IOException {
        JsonNode sessions = PythonJson.parse(originalAnswers().get(2));
        String table = SessionsView.render(sessions);
        List<String> lines = table.lines().toList();
        assertEquals(3, lines.size(), table);
        assertTrue(lines.get(0).startsWith("CALLER"), table);
        String row = lines.get(1);
        assertTrue(row.contains("sip:alice@example.com (probe-caller/1.0)"), row);
        assertTrue(row.contains("sip:bob@example.com (probe-callee/1.0)"), row);
        assertTrue(row.contains("198.18.0.1"), row);
        assertTrue(row.contains("G711u/G711a"), row);
        assertTrue(row.contains("0:00:01"), row);
        assertTrue(row.contains("236"), row);
        assertTrue(row.contains("27.2 KiB"), row);
        assertTrue(row.endsWith("active"), row);
        assertEquals("1 session", lines.get(2));
    }

    @Test
    void summaryTableShowsRelaysAndFailedOnes() {
        JsonNode summary = PythonJson.parse("[{\"ip\": \"198.18.0.1\", \"version\": \"4.1.2\", \"status\": \"active\", "
                + "\"uptime\": 90061, \"session_count\": 2, \"stream_count\": {\"audio\": 2, \"video\": 1}, "
                + "\"bps_relayed\": 215466.66666666666}, {\"status\": \"error\", \"ip\": \"198.18.0.9\"}]");
        List<String> lines = SummaryView.render(summary).lines().toList();
        assertTrue(lines.get(1).contains("1d 1:01:01"), lines.get(1));
        assertTrue(lines.get(1).contains("2 audio, 1 video"), lines.get(1));
        assertTrue(lines.get(1).contains("215.5 kbit/s"), lines.get(1));
        assertTrue(lines.get(2).contains("error (no answer)"), lines.get(2));
        assertEquals("2 relays", lines.get(3));
    }

    @Test
    void emptyAnswersRenderHeadersOnly() {
        assertEquals(List.of("0 sessions"), SessionsView.render(PythonJson.parse("[]")).lines().skip(1).toList());
        assertEquals(List.of("0 relays"), SummaryView.render(PythonJson.parse("[]")).lines().skip(1).toList());
    }
}
