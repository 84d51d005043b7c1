package org.mediaproxy.dispatcher.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mediaproxy.common.json.PythonJson;

/** The dispatcher's keys on session records (session-record.md §3) and the saved session table. */
class SessionRecordsTest {

    private static final String RECORD = "{\"call_id\": \"5a9f3c2e7b1d4e6f@198.51.100.7\", \"from_tag\": \"a8f3kq21\", "
            + "\"from_uri\": \"sip:alice@example.com\", \"to_tag\": \"77zzpq90\", \"to_uri\": \"sip:bob@example.com\", "
            + "\"start_time\": 1764081600.523517, \"duration\": 62, \"caller_ua\": \"Blink 5.1\", \"callee_ua\": \"Bob Phone 1.0\", "
            + "\"username\": null, \"streams\": [{\"media_type\": \"audio\", \"status\": \"closed\", \"timeout_wait\": 0, "
            + "\"caller_codec\": \"G711u\", \"callee_codec\": \"G711u\", \"start_time\": 0, \"end_time\": 62, \"post_dial_delay\": 1.84, "
            + "\"caller_bytes\": 1283040, \"callee_bytes\": 1279600, \"caller_packets\": 6210, \"callee_packets\": 6195, "
            + "\"caller_local\": \"203.0.113.5:40000\", \"callee_local\": \"203.0.113.5:40002\", \"caller_remote\": \"198.51.100.7:4000\", "
            + "\"callee_remote\": \"192.0.2.44:5004\"}, {\"media_type\": \"video\", \"status\": \"rejected\", \"timeout_wait\": 0, "
            + "\"caller_codec\": \"Unknown\", \"callee_codec\": \"Unknown\", \"start_time\": 0, \"end_time\": 0, \"post_dial_delay\": null, "
            + "\"caller_bytes\": 0, \"callee_bytes\": 0, \"caller_packets\": 0, \"callee_packets\": 0, \"caller_local\": \"203.0.113.5:40004\", "
            + "\"callee_local\": \"203.0.113.5:40006\", \"caller_remote\": \"Unknown\", \"callee_remote\": \"Unknown\"}]}";

    private static ObjectNode record(String json) {
        return (ObjectNode) PythonJson.parse(json);
    }

    @Test
    void removedRecordIsTheSpecExample() {
        String expected = RECORD.substring(0, RECORD.length() - 1) + ", \"dialog_id\": \"2959232491322\", \"timed_out\": false}";
        assertEquals(expected, PythonJson.write(SessionRecords.removed(record(RECORD), "2959232491322")));
    }

    @Test
    void expiredRecordGetsTimedOutDialogIdAndAllStreamsIceInThatOrder() {
        String timedOut = RECORD.replace("\"status\": \"closed\"", "\"status\": \"no-traffic timeout\"");
        assertEquals(timedOut.substring(0, timedOut.length() - 1) + ", \"timed_out\": true, \"dialog_id\": null, \"all_streams_ice\": false}",
                PythonJson.write(SessionRecords.expired(record(timedOut), null)));
    }

    @Test
    void iceAndNeverAnsweredSessions() {
        String ice = "{\"call_id\": \"i@h\", \"start_time\": 1.5, \"streams\": [{\"status\": \"unselected ICE candidate\"}]}";
        assertEquals("{\"call_id\": \"i@h\", \"start_time\": 1.5, \"streams\": [{\"status\": \"unselected ICE candidate\"}], "
                + "\"timed_out\": false, \"dialog_id\": \"7\", \"all_streams_ice\": true}",
                PythonJson.write(SessionRecords.expired(record(ice), "7")));
        ObjectNode never = record("{\"call_id\": \"n@h\", \"start_time\": null, \"duration\": 0, \"streams\": []}");
        assertTrue(SessionRecords.allStreamsIce(never), "the original's rule: no streams counts as all ICE");
        assertFalse(SessionRecords.wasAnswered(never));
        assertTrue(SessionRecords.wasAnswered(record(RECORD)));
    }

    @Test
    void stateFileRoundTripsAndIsToleratedWhenDamaged(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("dispatcher_state");
        List<DispatcherSession> sessions = List.of(
                DispatcherSession.created("a@h", "198.18.0.1", "2959232491322"),
                DispatcherSession.created("b@h", "198.18.0.2", null).expired(Instant.parse("2026-11-25T10:00:00.123Z")),
                DispatcherSession.adopted("c@h", "198.18.0.1"));
        SessionStateFile.save(file, sessions);
        assertEquals(sessions, SessionStateFile.load(file));
        SessionStateFile.delete(file);
        assertEquals(List.of(), SessionStateFile.load(file));
        java.nio.file.Files.writeString(file, "(lp0\nS'pickle from the original'\n");
        assertEquals(List.of(), SessionStateFile.load(file));
    }
}
