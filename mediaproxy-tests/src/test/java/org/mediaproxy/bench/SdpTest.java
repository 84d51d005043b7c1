package org.mediaproxy.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class SdpTest {

    @Test
    void readsBackTheAddressItWrote() {
        InetSocketAddress endpoint = new InetSocketAddress("127.0.0.1", 40000);
        assertEquals(endpoint, Sdp.audioDestination(Sdp.audio(endpoint)));
    }

    @Test
    void readsTheRewrittenSdpOfRtpengine() {
        String rewritten = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio 30012 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\na=rtcp:30013\r\n";
        assertEquals(new InetSocketAddress("127.0.0.1", 30012), Sdp.audioDestination(rewritten));
    }

    @Test
    void refusesSdpWithoutAudio() {
        assertThrows(IllegalArgumentException.class,
                () -> Sdp.audioDestination("v=0\r\nc=IN IP4 127.0.0.1\r\nm=video 4000 RTP/AVP 96\r\n"));
    }
}
