package org.mediaproxy.relay.forwarding;

import java.io.IOException;
import java.net.InetAddress;

/**
 * An engine's side of one media stream: its four UDP sockets, the thread that owns them and, for
 * engines that can, the kernel offload of its substreams. Obtained from
 * {@link ForwardingEngine#open(StreamForwarding)}; the engine reports every datagram to the
 * stream's {@link SubstreamForwarding#receive} and acts on the verdict.
 *
 * <p>Threads: {@link #bind}, {@link #runAndWait} and {@link #close} are called by the session
 * layer from its own threads and may block; every other method is called on the stream's thread
 * (inside {@code receive} or inside a task given to {@code runAndWait}) and must not block for
 * long, except {@link #offloadedCounters} which is called from any thread.
 */
public interface StreamSockets {

    /**
     * Binds {@code party}'s sockets: RTP on {@code ip:rtpPort}, RTCP on {@code ip:rtpPort+1}.
     * Returns once both are bound and receiving. If either cannot be bound, nothing stays open and
     * the {@link IOException} says why (the caller then tries another port pair).
     */
    void bind(Party party, InetAddress ip, int rtpPort) throws IOException;

    /** Runs {@code task} on the stream's thread and returns when it has run (inline if already there). */
    void runAndWait(Runnable task);

    /**
     * A destination towards {@code towards} became known on {@code kind} (learned from its first
     * packet or given as a routable SDP address): send the STUN messages queued for it, in order,
     * and count them as relayed.
     */
    void flushQueued(SubstreamKind kind, Party towards);

    /**
     * Both parties of {@code kind} are latched and have sent media: a kernel engine may now
     * install its forwarding entry (original tuple CR→CL, DNAT to ER, SNAT to EL, taken from
     * {@link SubstreamForwarding#remote}/{@link SubstreamForwarding#local}). Installation must
     * not block this thread; until the entry exists the sockets keep relaying, so nothing is
     * lost during the hand-over. Userspace engines ignore it.
     */
    default void offload(SubstreamKind kind) {
    }

    /**
     * The peers of {@code kind} are about to change (reset, forgotten after an RTCP timeout):
     * remove its kernel entry, if any, and {@link SubstreamForwarding#fold fold} the entry's
     * final counters into the substream before returning. Userspace engines ignore it.
     */
    default void withdraw(SubstreamKind kind) {
    }

    /** True while a kernel entry forwards {@code kind}; the engine then reports its silence itself. */
    default boolean isOffloaded(SubstreamKind kind) {
        return false;
    }

    /**
     * Live counters of {@code kind}'s current kernel entry (not yet folded); zero without one.
     * Read for statistics and bandwidth sampling while the session layer holds its lock, so it
     * must return quickly; recently read values are good enough.
     */
    default TrafficCounters offloadedCounters(SubstreamKind kind) {
        return TrafficCounters.ZERO;
    }

    /**
     * Ends the stream's forwarding: withdraws every offload (folding counters), closes the sockets
     * so their ports can be bound again at once, drops queued packets. Returns when done;
     * calling it again does nothing.
     */
    void close();
}
