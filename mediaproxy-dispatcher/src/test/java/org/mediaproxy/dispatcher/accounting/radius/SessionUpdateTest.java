package org.mediaproxy.dispatcher.accounting.radius;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mediaproxy.dispatcher.accounting.Fixtures;
import org.mediaproxy.dispatcher.accounting.SessionRecord;

/** The attribute table of accounting.md §3, checked value by value. */
class SessionUpdateTest {

    private static Map<String, String> attributes(ObjectNode record) {
        Map<String, String> values = new LinkedHashMap<>();
        for (SessionUpdate.Value value : SessionUpdate.of(SessionRecord.of(record))) {
            values.put(value.attribute().attributeName(), value.text());
        }
        return values;
    }

    @Test
    void aCallEndedByBye() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("Acct-Status-Type", "Update");
        expected.put("User-Name", "mediaproxy@default");
        expected.put("Acct-Session-Id", "Pc0onxU6jH9424xW2vXM@198.18.1.2");
        expected.put("Acct-Session-Time", "1");
        expected.put("Acct-Input-Octets", "13924");
        expected.put("Acct-Output-Octets", "13924");
        expected.put("Sip-From-Tag", "ZMIW9mrP2L");
        expected.put("Sip-To-Tag", "oZoayz6kxe");
        expected.put("NAS-IP-Address", "198.18.0.1");
        expected.put("Sip-User-Agents", "probe-caller/1.0+probe-callee/1.0");
        expected.put("Sip-Applications", "audio");
        expected.put("Media-Codecs", "G711u");
        expected.put("Acct-Delay-Time", "0");
        // Media-Info is empty for a normal end and therefore left out.
        assertEquals(expected, attributes(Fixtures.record(0)));
    }

    @Test
    void aCallWhoseMediaTimedOut() {
        Map<String, String> values = attributes(Fixtures.record(1));
        assertEquals("timeout", values.get("Media-Info"));
        assertEquals("11", values.get("Acct-Session-Time"));
        assertEquals("7800", values.get("Acct-Input-Octets"));
    }

    @Test
    void anIceSessionAndAUserNameAndNoToTag() {
        ObjectNode record = Fixtures.record(1);
        record.put("all_streams_ice", true);
        record.put("username", "alice@example.com");
        record.putNull("to_tag");
        Map<String, String> values = attributes(record);
        assertEquals("ICE session", values.get("Media-Info"));
        assertEquals("alice@example.com", values.get("User-Name"));
        assertFalse(values.containsKey("Sip-To-Tag"), "an empty value is left out");
    }

    @Test
    void sumsStreamsAndDescribesThem() {
        ObjectNode record = Fixtures.record(0);
        ArrayNode streams = (ArrayNode) record.get("streams");
        ObjectNode video = streams.get(0).deepCopy();
        video.put("media_type", "video").put("caller_codec", "H264").put("caller_bytes", 1000)
                .put("callee_bytes", 2000).putNull("post_dial_delay");
        ObjectNode rejected = streams.get(0).deepCopy();
        rejected.put("media_type", "application").put("caller_codec", "Unknown").put("start_time", 0)
                .put("end_time", 0).put("post_dial_delay", 2.9);
        streams.insert(0, video);
        streams.add(rejected);
        ((ObjectNode) streams.get(1)).put("post_dial_delay", 1.99);

        Map<String, String> values = attributes(record);
        assertEquals("audio, video", values.get("Sip-Applications"), "sorted, without streams that never ran");
        assertEquals("H264, G711u, Unknown", values.get("Media-Codecs"), "every stream, in record order");
        assertEquals(Long.toString(1000 + 13924 + 13924), values.get("Acct-Input-Octets"));
        assertEquals(Long.toString(2000 + 13924 + 13924), values.get("Acct-Output-Octets"));
        assertEquals("1", values.get("Acct-Delay-Time"), "int() of the first stream that has one");
    }

    @Test
    void countersBeyondFourGigabytesUseGigawords() {
        ObjectNode record = Fixtures.record(0);
        ((ObjectNode) record.get("streams").get(0)).put("caller_bytes", 5L * (1L << 32) + 17);
        Map<String, String> values = attributes(record);
        assertEquals("17", values.get("Acct-Input-Octets"));
        assertEquals("5", values.get("Acct-Input-Gigawords"));
        assertNull(values.get("Acct-Output-Gigawords"));
    }

    @Test
    void longTextIsCutAt253BytesNotInsideACharacter() {
        ObjectNode record = Fixtures.record(0);
        record.put("caller_ua", "é".repeat(200));
        String agents = attributes(record).get("Sip-User-Agents");
        assertEquals(126, agents.length());
        assertEquals(252, agents.getBytes(StandardCharsets.UTF_8).length);
        assertEquals("a".repeat(253), SessionUpdate.truncate("a".repeat(300)));
    }

    @Test
    void aSessionWithoutStreamsHasNoRelayAddress() {
        ObjectNode record = Fixtures.record(0);
        record.putArray("streams");
        Map<String, String> values = attributes(record);
        assertFalse(values.containsKey("NAS-IP-Address"));
        assertEquals("0", values.get("Acct-Input-Octets"));
        assertFalse(values.containsKey("Media-Codecs"));
    }
}
