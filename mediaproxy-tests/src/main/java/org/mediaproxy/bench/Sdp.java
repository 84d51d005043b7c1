package org.mediaproxy.bench;

import java.net.InetSocketAddress;

/** The smallest SDP a phone would send for one G.711 audio stream, and reading one back. */
final class Sdp {

    private Sdp() {
    }

    static String audio(InetSocketAddress media) {
        String ip = media.getAddress().getHostAddress();
        return "v=0\r\n"
                + "o=- " + media.getPort() + " 1 IN IP4 " + ip + "\r\n"
                + "s=bench\r\n"
                + "c=IN IP4 " + ip + "\r\n"
                + "t=0 0\r\n"
                + "m=audio " + media.getPort() + " RTP/AVP 0\r\n"
                + "a=rtpmap:0 PCMU/8000\r\n"
                + "a=sendrecv\r\n";
    }

    /** The session-level connection address and the first audio port of {@code sdp}. */
    static InetSocketAddress audioDestination(String sdp) {
        String ip = null;
        Integer port = null;
        for (String line : sdp.split("\r?\n")) {
            if (line.startsWith("c=IN IP4 ") && ip == null) {
                ip = line.substring("c=IN IP4 ".length()).strip();
            } else if (line.startsWith("m=audio ") && port == null) {
                port = Integer.parseInt(line.split(" ")[1]);
            }
        }
        if (ip == null || port == null) {
            throw new IllegalArgumentException("no audio destination in SDP:\n" + sdp);
        }
        return new InetSocketAddress(ip, port);
    }
}
