package org.mediaproxy.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.mediaproxy.testkit.RtpEndpoint;
import org.mediaproxy.testkit.SipDialog.Media;

/**
 * One side of a call: an RTP and an RTCP socket per media stream, on loopback or on a phone's
 * address inside a network namespace.
 */
final class MediaParty implements AutoCloseable {

    final List<RtpEndpoint> rtp = new ArrayList<>();
    final List<RtpEndpoint> rtcp = new ArrayList<>();
    private final Site site;
    private final String ip;

    private MediaParty(Site site, String ip) {
        this.site = site;
        this.ip = ip;
    }

    static MediaParty withStreams(int streams) throws IOException {
        return at(Site.HOST, "127.0.0.1", streams);
    }

    /** A party whose sockets are bound to {@code ip} inside {@code site}. */
    static MediaParty at(Site site, String ip, int streams) throws IOException {
        MediaParty party = new MediaParty(site, ip);
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
                RtpEndpoint media = bind(port);
                try {
                    RtpEndpoint control = bind(port + 1);
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

    private RtpEndpoint bind(int port) throws IOException {
        try {
            return site.call(() -> RtpEndpoint.bind(new InetSocketAddress(ip, port)));
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    int port(int stream) throws IOException {
        return rtp.get(stream).localAddress().getPort();
    }

    Media audio(int stream) throws IOException {
        return Media.audio(ip, port(stream));
    }

    Media video(int stream) throws IOException {
        return Media.video(ip, port(stream));
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
