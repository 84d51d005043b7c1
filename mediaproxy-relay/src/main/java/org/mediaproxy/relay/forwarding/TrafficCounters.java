package org.mediaproxy.relay.forwarding;

/**
 * Packets and bytes relayed for one substream or stream, split by the party that sent them.
 * Bytes are IP-level lengths (UDP payload + UDP header + IP header), the unit conntrack counts in,
 * so that userspace-relayed and kernel-relayed traffic add up consistently.
 */
public record TrafficCounters(long callerPackets, long callerBytes, long calleePackets, long calleeBytes) {

    public static final TrafficCounters ZERO = new TrafficCounters(0, 0, 0, 0);

    public TrafficCounters plus(TrafficCounters other) {
        return new TrafficCounters(callerPackets + other.callerPackets, callerBytes + other.callerBytes,
                calleePackets + other.calleePackets, calleeBytes + other.calleeBytes);
    }

    public long packets(Party party) {
        return party == Party.CALLER ? callerPackets : calleePackets;
    }

    public long bytes(Party party) {
        return party == Party.CALLER ? callerBytes : calleeBytes;
    }

    public long totalBytes() {
        return callerBytes + calleeBytes;
    }
}
