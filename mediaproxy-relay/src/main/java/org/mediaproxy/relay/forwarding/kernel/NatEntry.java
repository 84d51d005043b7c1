package org.mediaproxy.relay.forwarding.kernel;

import java.net.InetSocketAddress;

/**
 * One direction pair of a relayed stream, as the kernel forwards it: the caller sends from
 * {@code callerRemote} to the relay's {@code callerLocal}; the kernel rewrites such packets to
 * leave from {@code calleeLocal} towards {@code calleeRemote}, and the callee's answers back.
 * <p>
 * In conntrack terms: original tuple callerRemote→callerLocal, DNAT to calleeRemote, SNAT to
 * calleeLocal, so the reply tuple is calleeRemote→calleeLocal.
 */
public record NatEntry(InetSocketAddress callerRemote, InetSocketAddress callerLocal,
                       InetSocketAddress calleeRemote, InetSocketAddress calleeLocal) {

    public NatEntry {
        UdpTuple.requireIpv4(callerRemote, "callerRemote");
        UdpTuple.requireIpv4(callerLocal, "callerLocal");
        UdpTuple.requireIpv4(calleeRemote, "calleeRemote");
        UdpTuple.requireIpv4(calleeLocal, "calleeLocal");
    }

    /** Packets from the caller to the relay: the conntrack original tuple. */
    public UdpTuple callerTuple() {
        return new UdpTuple(callerRemote, callerLocal);
    }

    /** Packets from the callee to the relay: the conntrack reply tuple. */
    public UdpTuple calleeTuple() {
        return new UdpTuple(calleeRemote, calleeLocal);
    }

    @Override
    public String toString() {
        return UdpTuple.format(callerRemote) + "->" + UdpTuple.format(callerLocal)
                + " <=> " + UdpTuple.format(calleeLocal) + "->" + UdpTuple.format(calleeRemote);
    }
}
