package org.mediaproxy.relay.forwarding;

/**
 * The seam between the session layer and the mechanism that moves media packets.
 *
 * <p><b>Split of responsibilities.</b> The session layer ({@code org.mediaproxy.relay.session})
 * decides which streams exist, which ports and addresses they use, and when they end. The
 * engine-independent state in this package ({@link StreamForwarding}, {@link SubstreamForwarding})
 * decides what happens to each datagram: symmetric-RTP latching (first source wins, obsolete
 * sources ignored after a reset), STUN recognition and queueing, routable SDP destinations,
 * {@code userspace_transmit_every}, codec and first-media detection, per-party 64-bit counters in
 * IP-level bytes. An engine owns the sockets and the threads, feeds every received datagram to
 * {@link SubstreamForwarding#receive} and carries out the verdict: send it out of the <em>other</em>
 * party's socket (so the receiver sees the relay port it was told about), queue it, or drop it.
 *
 * <p><b>Threads.</b> Each stream is owned by one engine thread: its four sockets and all of its
 * forwarding state live there, so the packet path needs no locks. The session layer reaches that
 * thread through {@link StreamSockets#runAndWait}; engine threads never wait for the session
 * layer (events are handed over through {@link ForwardingEvents}), so the two cannot deadlock.
 * The session layer must not call blocking methods from an engine thread.
 *
 * <p><b>Kernel offload</b> (an engine built on conntrack, using the same sockets for the first
 * packets):
 * <ol>
 * <li>When both parties of a substream are latched and have each sent a media packet, the state
 *     calls {@link StreamSockets#offload} on the stream's thread. The engine installs its entry
 *     (CR→CL, DNAT to ER, SNAT to EL) without blocking that thread.</li>
 * <li>Zero-loss hand-over: the sockets keep relaying in user space until the entry exists, after
 *     which the kernel intercepts the packets and they stop arriving at the sockets.</li>
 * <li>Counters: live entry counters are read through {@link StreamSockets#offloadedCounters}
 *     (caller = original direction, callee = reply direction); when an entry goes away
 *     ({@link StreamSockets#withdraw} before a reset or forget, {@link StreamSockets#close},
 *     or its own expiry) its final counters are {@link SubstreamForwarding#fold folded} into the
 *     substream so totals never go backwards.</li>
 * <li>Expiry: when the kernel destroys an idle entry, the engine folds its counters and calls
 *     {@link StreamForwarding#offloadExpired} on the stream's thread with the kernel's UDP stream
 *     timeout; the session layer ends the stream (RTP) or forgets the RTCP peers, reason
 *     {@code conntrack timeout}. While {@link StreamSockets#isOffloaded} is true the session
 *     layer leaves silence detection of that substream to the engine.</li>
 * </ol>
 *
 * <p>{@link #name()} is logged at start so operators see which engine forwards their media.
 */
public interface ForwardingEngine extends AutoCloseable {

    /** Short human-readable description, e.g. {@code userspace (Netty epoll, 2 threads)}. */
    String name();

    /**
     * Creates the engine's side of a new stream and assigns it to one engine thread. No socket
     * is open until {@link StreamSockets#bind} is called.
     */
    StreamSockets open(StreamForwarding stream);

    /** Stops the engine's threads; streams still open are closed without further events. */
    @Override
    void close();
}
