package org.mediaproxy.relay.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The relay's decoding of update/remove headers: media grammar, signaling_ip forms, types. */
class CommandParsingTest {

    @Test
    void mediaStreamsWithParameters() throws Exception {
        List<MediaLine> lines = MediaLine.parseList(
                "audio:192.168.1.20:4000:sendrecv:ice=no,,video:192.168.1.20:4002:sendonly:ice=yes:foo=bar,");
        assertEquals(2, lines.size());
        MediaLine audio = lines.get(0);
        assertEquals("audio", audio.type());
        assertEquals("192.168.1.20", audio.ip());
        assertEquals(4000, audio.port());
        assertEquals("sendrecv", audio.direction());
        assertFalse(audio.ice());
        assertFalse(audio.onHold());
        MediaLine video = lines.get(1);
        assertTrue(video.ice());
        assertTrue(video.onHold());
        assertEquals("bar", video.parameters().get("foo"));
    }

    @Test
    void holdIsSendonlyInactiveOrTheZeroAddress() throws Exception {
        // Behaviours 83, 84, 86.
        assertTrue(MediaLine.parseList("audio:1.2.3.4:4000:inactive").get(0).onHold());
        assertTrue(MediaLine.parseList("audio:0.0.0.0:4000:sendrecv").get(0).onHold());
        assertFalse(MediaLine.parseList("audio:1.2.3.4:4000:recvonly").get(0).onHold());
        assertFalse(MediaLine.parseList("audio:1.2.3.4:4000:SENDONLY").get(0).onHold());
    }

    @Test
    void anyUdpMediaTypeIsAccepted() throws Exception {
        assertEquals("image", MediaLine.parseList("image:1.2.3.4:4000:sendrecv:ice=no").get(0).type());
    }

    @Test
    void malformedMediaIsRefused() {
        // Behaviour 69 and the media grammar.
        for (String bad : List.of("audio:2001:db8::1:4000:sendrecv:ice=no", "audio:1.2.3.4:4000",
                "audio:1.2.3.4:port:sendrecv", "audio:1.2.3.4:70000:sendrecv", "audio:host.example:4000:sendrecv",
                "audio:1.2.3.4:4000:sendrecv:ice", "audio:1.2.3.4:4000:sendrecv:a=b=c", ":1.2.3.4:4000:sendrecv",
                "audio:1.2.3.256:4000:sendrecv")) {
            assertThrows(InvalidCommandException.class, () -> MediaLine.parseList(bad), bad);
        }
    }

    @Test
    void signalingIpForms() throws Exception {
        // Behaviours 65 and 66.
        assertEquals(new SignalingIp("198.51.100.7", null, null), SignalingIp.parse("198.51.100.7"));
        assertEquals(new SignalingIp("198.51.100.7", "192.0.2.44", null), SignalingIp.parse("198.51.100.7_192.0.2.44"));
        assertEquals(new SignalingIp("a_b_c", null, null), SignalingIp.parse("a_b_c"));
        assertEquals(new SignalingIp("198.51.100.7", "192.0.2.44", "100@pbx.example.net"), SignalingIp.parse(
                "{\"signaling_ip\": \"198.51.100.7\", \"destination_ip\": \"192.0.2.44\", "
                        + "\"username\": \"100@pbx.example.net\"}"));
        assertEquals(new SignalingIp(null, null, "bob"), SignalingIp.parse("{\"username\": \"bob\"}"));
        assertThrows(InvalidCommandException.class, () -> SignalingIp.parse("12"));
        assertThrows(InvalidCommandException.class, () -> SignalingIp.parse("[\"198.51.100.7\"]"));
    }

    @Test
    void updateHeaders() throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("type", "reply");
        headers.put("call_id", "c@h");
        headers.put("cseq", "4294967295");
        headers.put("from_uri", "sip:a@h");
        headers.put("to_uri", "sip:b@h");
        headers.put("from_tag", "f");
        headers.put("to_tag", "");
        headers.put("user_agent", "UA");
        headers.put("signaling_ip", "198.51.100.7");
        headers.put("dialog_id", "1");
        headers.put("media_relay", "198.18.0.1");
        UpdateRequest update = UpdateRequest.parse(headers);
        assertFalse(update.request());
        assertEquals(4294967295L, update.cseq());
        assertNull(update.toTag());
        assertTrue(update.media().isEmpty());
        headers.put("cseq", "abc");
        assertThrows(InvalidCommandException.class, () -> UpdateRequest.parse(headers));
        headers.put("cseq", "1");
        headers.put("type", "foo");
        assertThrows(InvalidCommandException.class, () -> UpdateRequest.parse(headers));
        headers.put("type", "request");
        headers.remove("user_agent");
        InvalidCommandException missing = assertThrows(InvalidCommandException.class, () -> UpdateRequest.parse(headers));
        assertEquals("update without user_agent", missing.getMessage());
    }

    @Test
    void removeHeaders() throws Exception {
        assertEquals(new RemoveRequest("c", "f", "t"),
                RemoveRequest.parse(Map.of("call_id", "c", "from_tag", "f", "to_tag", "t")));
        assertEquals(new RemoveRequest("c", "f", null), RemoveRequest.parse(Map.of("call_id", "c", "from_tag", "f")));
        assertThrows(InvalidCommandException.class, () -> RemoveRequest.parse(Map.of("call_id", "c")));
    }

    @Test
    void cseqPairsOrderLexicographically() {
        CSeqPair base = CSeqPair.BASE;
        CSeqPair callerOffer = base.with(true, 1);
        CSeqPair calleeOffer = callerOffer.with(false, 1);
        assertTrue(callerOffer.compareTo(base) > 0);
        assertTrue(calleeOffer.compareTo(callerOffer) > 0);
        assertTrue(new CSeqPair(2, 0).compareTo(calleeOffer) > 0);
        assertEquals(1, calleeOffer.component(false));
        assertEquals(new CSeqPair(1, 1), calleeOffer);
    }
}
