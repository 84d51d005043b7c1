package org.mediaproxy.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BencodeTest {

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void encodesAnNgRequestInInsertionOrder() {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("command", "offer");
        request.put("call-id", "c1");
        request.put("flags", List.of("trust-address"));
        request.put("ttl", 30);
        assertArrayEquals(ascii("d7:command5:offer7:call-id2:c15:flagsl13:trust-addresse3:ttli30ee"),
                Bencode.encode(request));
    }

    @Test
    void decodesARealRtpengineOfferReplyAfterItsCookie() {
        String sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio 30000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\na=rtcp:30001\r\n";
        byte[] datagram = ascii("c1 d3:sdp136:" + sdp + "6:result2:oke"); // as rtpengine 10.5 sent it
        assertEquals(Map.of("sdp", sdp, "result", "ok"), Bencode.decode(datagram, 3));
    }

    @Test
    void decodesNestedDictionariesAndIntegers() {
        assertEquals(Map.of("tags", Map.of("a", Map.of("created", 1795623608L)), "list", List.of(1L, "x")),
                Bencode.decode(ascii("d4:tagsd1:ad7:createdi1795623608eee4:listli1e1:xee"), 0));
    }

    @Test
    void decodesUtf8StringsByByteLength() {
        byte[] encoded = Bencode.encode(List.of("münchen", -5));
        assertEquals(List.of("münchen", -5L), Bencode.decode(encoded, 0));
    }

    @Test
    void rejectsTruncatedAndMalformedInput() {
        assertThrows(IllegalArgumentException.class, () -> Bencode.decode(ascii("d6:result2:ok"), 0));
        assertThrows(IllegalArgumentException.class, () -> Bencode.decode(ascii("10:short"), 0));
        assertThrows(IllegalArgumentException.class, () -> Bencode.decode(ascii("x"), 0));
        assertThrows(IllegalArgumentException.class, () -> Bencode.decode(ascii("di1e1:ae"), 0));
        assertThrows(IllegalArgumentException.class, () -> Bencode.decode(ascii("i1ei2e"), 0));
    }
}
