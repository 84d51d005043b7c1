package org.mediaproxy.relay.forwarding;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.InetSocketAddress;

/**
 * One party's end of a substream: the relay socket it talks to ({@code local}) and the address
 * learned from its packets ({@code remote}). Only the stream's thread writes; other threads read
 * the volatile fields (timers, statistics) and the counters through opaque reads, which are atomic
 * for {@code long} and cost nothing on the writer's side.
 */
final class SubParty {

    private static final VarHandle PACKETS;
    private static final VarHandle BYTES;
    private static final VarHandle ACTIVITY;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PACKETS = lookup.findVarHandle(SubParty.class, "packets", long.class);
            BYTES = lookup.findVarHandle(SubParty.class, "bytes", long.class);
            ACTIVITY = lookup.findVarHandle(SubParty.class, "activity", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile InetSocketAddress local;
    /** Learned address; kept after a reset (then "obsolete": known but not in use). */
    private volatile InetSocketAddress remote;
    private volatile boolean inUse;
    private volatile boolean sentMedia;
    private volatile String codec = RtpPayloadType.UNKNOWN;

    /** Routable SDP address of this party, used as destination before it is latched (RTP only). */
    private InetSocketAddress sdpDestination;
    /** Non-STUN packets that had a destination towards this party (for userspace_transmit_every). */
    private long sendCount;

    private long packets;
    private long bytes;
    /** Media packets accepted from this party, relayed or not: the liveness signal. */
    private long activity;

    InetSocketAddress local() {
        return local;
    }

    void local(InetSocketAddress address) {
        local = address;
    }

    InetSocketAddress remote() {
        return remote;
    }

    boolean inUse() {
        return inUse;
    }

    boolean sentMedia() {
        return sentMedia;
    }

    String codec() {
        return codec;
    }

    void codec(String name) {
        codec = name;
    }

    void latch(InetSocketAddress source) {
        remote = source;
        inUse = true;
    }

    void markMedia() {
        sentMedia = true;
        ACTIVITY.setOpaque(this, activity + 1);
    }

    void countActivity() {
        ACTIVITY.setOpaque(this, activity + 1);
    }

    /** Destination for packets towards this party: its latched address, else its routable SDP address. */
    InetSocketAddress destination() {
        return inUse ? remote : sdpDestination;
    }

    void sdpDestination(InetSocketAddress address) {
        sdpDestination = address;
    }

    /** True when this non-STUN packet towards the party is one of every {@code every} to send. */
    boolean takeTransmitTurn(int every) {
        return every == 1 || sendCount++ % every == 0;
    }

    /** Reset after the party announced a new address: the old source is ignored from now on. */
    void reset() {
        inUse = false;
        sentMedia = false;
        sendCount = 0;
    }

    /** Forget the learned address entirely, so the next packet from anywhere is latched again. */
    void forget() {
        remote = null;
        inUse = false;
        sentMedia = false;
        sendCount = 0;
    }

    /** Counts one relayed datagram of {@code payloadLength} bytes at IP level. */
    void countRelayed(int payloadLength) {
        PACKETS.setOpaque(this, packets + 1);
        BYTES.setOpaque(this, bytes + payloadLength + headerOverhead());
    }

    /** Adds traffic that was relayed elsewhere (a kernel entry being withdrawn). */
    void fold(long foldedPackets, long foldedBytes) {
        PACKETS.setOpaque(this, packets + foldedPackets);
        BYTES.setOpaque(this, bytes + foldedBytes);
    }

    long packets() {
        return (long) PACKETS.getOpaque(this);
    }

    long bytes() {
        return (long) BYTES.getOpaque(this);
    }

    long activity() {
        return (long) ACTIVITY.getOpaque(this);
    }

    private int headerOverhead() {
        InetSocketAddress socket = local;
        // UDP header (8) + IPv4 (20) or IPv6 (40) header: what conntrack counts as bytes.
        return socket == null || socket.getAddress() instanceof Inet4Address ? 28 : 48;
    }
}
