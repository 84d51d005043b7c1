package org.mediaproxy.relay.forwarding.kernel;

/**
 * Packets and bytes the kernel forwarded for one {@link NatEntry}: the conntrack original
 * direction is the caller's, the reply direction the callee's. Bytes are IP packet lengths
 * (IP and UDP headers included), 64-bit so they do not wrap at 4 GiB like the original's.
 */
public record FlowCounters(long callerPackets, long callerBytes, long calleePackets, long calleeBytes) {

    public static final FlowCounters ZERO = new FlowCounters(0, 0, 0, 0);

    public FlowCounters plus(FlowCounters other) {
        return new FlowCounters(callerPackets + other.callerPackets, callerBytes + other.callerBytes,
                calleePackets + other.calleePackets, calleeBytes + other.calleeBytes);
    }
}
