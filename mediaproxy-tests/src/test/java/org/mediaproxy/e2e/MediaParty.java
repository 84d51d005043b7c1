package org.mediaproxy.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.mediaproxy.testkit.RtpEndpoint;
import org.mediaproxy.testkit.SipDialog.Media;

/** One side of a call: an RTP and an RTCP socket per media stream, all on loopback. */
final class MediaParty implements AutoCloseable {

    final List<RtpEndpoint> rtp = new ArrayList<>();
    final List<RtpEndpoint> rtcp = new ArrayList<>();

    static MediaParty withStreams(int streams) throws IOException {
        MediaParty party = new MediaParty();
        for (int i = 0; i < streams; i++) {
            party.addStream();
        }
        return party;
    }

    /** Binds an even/odd port pair for one more stream. */
    void addStream() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = 30000 + 2 * (int) (Math.random() * 4000);
            try {
                RtpEndpoint media = RtpEndpoint.bind(new InetSocketAddress("127.0.0.1", port));
                try {
                    RtpEndpoint control = RtpEndpoint.bind(new InetSocketAddress("127.0.0.1", port + 1));
                    rtp.add(media);
                    rtcp.add(control);
                    return;
                } catch (IOException taken) {
                    media.close();
                }
            } catch (IOException taken) {
                // try another pair
            }
        }
        throw new IOException("no free even/odd UDP port pair on loopback");
    }

    int port(int stream) throws IOException {
        return rtp.get(stream).localAddress().getPort();
    }

    Media audio(int stream) throws IOException {
        return Media.audio("127.0.0.1", port(stream));
    }

    Media video(int stream) throws IOException {
        return Media.video("127.0.0.1", port(stream));
    }

    /** Sends {@code count} RTP packets (payload type {@code pt}) and a few RTCP ones to the relay. */
    void send(int stream, InetSocketAddress relayRtp, int count, int pt) throws IOException, InterruptedException {
        InetSocketAddress relayRtcp = new InetSocketAddress(relayRtp.getAddress(), relayRtp.getPort() + 1);
        for (int i = 0; i < count; i++) {
            rtp.get(stream).sendRtp(relayRtp, pt);
            if (i % 10 == 0) {
                rtcp.get(stream).sendRtcp(relayRtcp);
            }
            Thread.sleep(5);
        }
    }

    @Override
    public void close() throws IOException {
        for (RtpEndpoint endpoint : rtp) {
            endpoint.close();
        }
        for (RtpEndpoint endpoint : rtcp) {
            endpoint.close();
        }
    }
}
