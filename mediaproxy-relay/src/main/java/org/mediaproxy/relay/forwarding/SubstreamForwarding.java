package org.mediaproxy.relay.forwarding;

import java.net.InetSocketAddress;

/**
 * Engine-independent state of one substream (RTP or RTCP) of a stream: symmetric-RTP latching,
 * STUN handling, per-party counters and first-media detection. An engine calls
 * {@link #receive} for every datagram arriving on one of the substream's two sockets and does what
 * the verdict says; everything else here is bookkeeping the session layer and the engines read.
 *
 * <p>Threading: all mutating methods run on the stream's thread (the engine thread that owns the
 * stream's sockets, see {@link StreamSockets#runAndWait}); getters may be called from any thread.
 */
public final class SubstreamForwarding {

    private final SubstreamKind kind;
    private final StreamForwarding stream;
    private final SubParty caller = new SubParty();
    private final SubParty callee = new SubParty();

    SubstreamForwarding(SubstreamKind kind, StreamForwarding stream) {
        this.kind = kind;
        this.stream = stream;
    }

    public SubstreamKind kind() {
        return kind;
    }

    /**
     * Decides the fate of a datagram that arrived on the socket {@code from} talks to.
     * Latching: the first source is learned and only that source is accepted afterwards; a source
     * made obsolete by a reset is ignored. Once a party is learned, STUN queued towards it is
     * flushed through {@link StreamSockets#flushQueued} before this packet.
     *
     * @param from   party whose socket received the datagram
     * @param source the datagram's source address
     * @param length UDP payload length
     * @param head   first eight payload bytes, big-endian, zero-padded when shorter
     */
    public Verdict receive(Party from, InetSocketAddress source, int length, long head) {
        SubParty self = party(from);
        if (source.equals(self.remote())) {
            if (!self.inUse()) {
                return Verdict.DROP;
            }
        } else {
            if (self.inUse()) {
                return Verdict.DROP;
            }
            self.latch(source);
            stream.sockets().flushQueued(kind, from);
        }
        boolean stun = Stun.isStun(length, head);
        if (!stun) {
            if (self.sentMedia()) {
                self.countActivity();
            } else {
                firstMedia(from, self, length, head);
            }
        }
        SubParty other = party(from.other());
        if (other.destination() == null) {
            return stun ? Verdict.QUEUE : Verdict.DROP;
        }
        if (!stun && !other.takeTransmitTurn(stream.transmitEvery())) {
            return Verdict.DROP;
        }
        return Verdict.FORWARD;
    }

    private void firstMedia(Party from, SubParty self, int length, long head) {
        self.markMedia();
        if (kind == SubstreamKind.RTP && RtpPayloadType.UNKNOWN.equals(self.codec())) {
            self.codec(RtpPayloadType.of(length, head));
        }
        stream.mediaSeen();
        stream.events().firstMedia(kind, from);
        SubParty other = party(from.other());
        if (other.inUse() && other.sentMedia()) {
            stream.sockets().offload(kind);
        }
    }

    /** Where packets towards {@code party} go: its latched address, else (RTP) its routable SDP address, else null. */
    public InetSocketAddress destination(Party party) {
        return party(party).destination();
    }

    /** Counts a datagram from {@code from} that the engine actually sent on. */
    public void relayed(Party from, int payloadLength) {
        party(from).countRelayed(payloadLength);
    }

    /**
     * Adds the final counters of a kernel entry that stopped forwarding this substream (withdrawn
     * or expired), so the totals survive it. Call on the stream's thread.
     */
    public void fold(TrafficCounters offloaded) {
        caller.fold(offloaded.callerPackets(), offloaded.callerBytes());
        callee.fold(offloaded.calleePackets(), offloaded.calleeBytes());
    }

    /** The relay address {@code party} sends this substream to (CL / EL of a conntrack entry). */
    public InetSocketAddress local(Party party) {
        return party(party).local();
    }

    /** The learned address of {@code party} (CR / ER of a conntrack entry), null if never learned. */
    public InetSocketAddress remote(Party party) {
        return party(party).remote();
    }

    public boolean isLatched(Party party) {
        return party(party).inUse();
    }

    /** True once {@code party} sent a non-STUN packet since it was created, reset or forgotten. */
    public boolean hasSentMedia(Party party) {
        return party(party).sentMedia();
    }

    public String codec(Party party) {
        return party(party).codec();
    }

    /** Traffic relayed through the sockets plus folded kernel counters (live kernel counters excluded). */
    public TrafficCounters counters() {
        return new TrafficCounters(caller.packets(), caller.bytes(), callee.packets(), callee.bytes());
    }

    /** Media packets accepted so far from both parties; grows while media flows through the sockets. */
    public long activity() {
        return caller.activity() + callee.activity();
    }

    void local(Party party, InetSocketAddress address) {
        party(party).local(address);
    }

    void sdpDestination(Party party, InetSocketAddress address) {
        party(party).sdpDestination(address);
    }

    void reset(Party party) {
        party(party).reset();
    }

    void forget() {
        caller.forget();
        callee.forget();
    }

    private SubParty party(Party party) {
        return party == Party.CALLER ? caller : callee;
    }
}
