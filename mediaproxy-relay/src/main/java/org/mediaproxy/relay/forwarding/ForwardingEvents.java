package org.mediaproxy.relay.forwarding;

/**
 * What the forwarding side tells the session layer about a stream. Both methods are called on the
 * stream's thread (an engine I/O thread) and must only hand the event over, never block.
 */
public interface ForwardingEvents {

    /**
     * The first media (non-STUN) packet of {@code party} on {@code kind} arrived since the stream
     * was created or that sub-party was reset or forgotten: its no-traffic timer can stop.
     */
    void firstMedia(SubstreamKind kind, Party party);

    /**
     * A kernel entry forwarding {@code kind} expired by itself after both directions fell silent
     * ("conntrack timeout"); {@code timeoutWait} is the kernel's UDP stream timeout in seconds.
     * Its final counters have already been folded into the substream.
     */
    void offloadExpired(SubstreamKind kind, int timeoutWait);
}
