package org.mediaproxy.relay.forwarding;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;

/**
 * Engine-independent forwarding state of one media stream (its RTP and RTCP substreams) and the
 * session layer's handle on it. Control methods run their work on the stream's thread and return
 * when it is done, so a caller sees their effect immediately (a reset clears "has sent media"
 * before the caller restarts the party's timer). Getters may be called from any thread.
 */
public final class StreamForwarding {

    private final Clock clock;
    private final int transmitEvery;
    private final ForwardingEvents events;
    private final SubstreamForwarding rtp = new SubstreamForwarding(SubstreamKind.RTP, this);
    private final SubstreamForwarding rtcp = new SubstreamForwarding(SubstreamKind.RTCP, this);
    private final StreamSockets sockets;
    private volatile Instant firstMedia;

    /**
     * @param transmitEvery forward only every n-th media packet per direction in user space (1 = all)
     * @param events        receiver of first-media and kernel-expiry events
     */
    public StreamForwarding(ForwardingEngine engine, Clock clock, int transmitEvery, ForwardingEvents events) {
        if (transmitEvery < 1) {
            throw new IllegalArgumentException("transmitEvery must be at least 1, not " + transmitEvery);
        }
        this.clock = clock;
        this.transmitEvery = transmitEvery;
        this.events = events;
        this.sockets = engine.open(this);
    }

    public SubstreamForwarding substream(SubstreamKind kind) {
        return kind == SubstreamKind.RTP ? rtp : rtcp;
    }

    /** Binds {@code party}'s RTP/RTCP sockets on {@code ip:rtpPort} and {@code ip:rtpPort+1}. */
    public void bind(Party party, InetAddress ip, int rtpPort) throws IOException {
        sockets.bind(party, ip, rtpPort);
        rtp.local(party, new InetSocketAddress(ip, rtpPort));
        rtcp.local(party, new InetSocketAddress(ip, rtpPort + 1));
    }

    /**
     * Sets where RTP for {@code party} goes before its address is learned: its SDP address when
     * that is routable, else null (then RTP towards it waits for its first packet).
     */
    public void sdpDestination(Party party, InetSocketAddress destination) {
        sockets.runAndWait(() -> {
            rtp.sdpDestination(party, destination);
            if (destination != null) {
                sockets.flushQueued(SubstreamKind.RTP, party);
            }
        });
    }

    /** {@code party} announced a new address: its old source is ignored from now on, on both substreams. */
    public void reset(Party party) {
        sockets.runAndWait(() -> {
            for (SubstreamKind kind : SubstreamKind.values()) {
                sockets.withdraw(kind);
                substream(kind).reset(party);
            }
        });
    }

    /** Forgets both peers of {@code kind}, so the next packets are latched afresh. */
    public void forgetPeers(SubstreamKind kind) {
        sockets.runAndWait(() -> {
            sockets.withdraw(kind);
            substream(kind).forget();
        });
    }

    /** Closes the sockets (ports are free when this returns); counters stay readable. */
    public void close() {
        sockets.close();
    }

    /** Called by a kernel engine on the stream's thread after its entry for {@code kind} expired. */
    public void offloadExpired(SubstreamKind kind, int timeoutWait) {
        events.offloadExpired(kind, timeoutWait);
    }

    public boolean isOffloaded(SubstreamKind kind) {
        return sockets.isOffloaded(kind);
    }

    /** All traffic relayed for this stream so far: both substreams, user space and kernel. */
    public TrafficCounters counters() {
        return rtp.counters().plus(rtcp.counters())
                .plus(sockets.offloadedCounters(SubstreamKind.RTP))
                .plus(sockets.offloadedCounters(SubstreamKind.RTCP));
    }

    /** Time of the stream's first media packet on any substream, null before. */
    public Instant firstMediaTime() {
        return firstMedia;
    }

    int transmitEvery() {
        return transmitEvery;
    }

    StreamSockets sockets() {
        return sockets;
    }

    ForwardingEvents events() {
        return events;
    }

    void mediaSeen() {
        if (firstMedia == null) {
            firstMedia = clock.instant();
        }
    }
}
