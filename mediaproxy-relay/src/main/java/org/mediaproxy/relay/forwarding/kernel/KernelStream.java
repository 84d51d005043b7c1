package org.mediaproxy.relay.forwarding.kernel;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.mediaproxy.relay.forwarding.Party;
import org.mediaproxy.relay.forwarding.StreamForwarding;
import org.mediaproxy.relay.forwarding.StreamSockets;
import org.mediaproxy.relay.forwarding.SubstreamForwarding;
import org.mediaproxy.relay.forwarding.SubstreamKind;
import org.mediaproxy.relay.forwarding.TrafficCounters;

/**
 * A stream of the kernel engine: the userspace engine's sockets for the first packets, plus the
 * kernel entries of its substreams. Offloads change only on the stream's thread; other threads
 * read them (counters, whether offloaded).
 */
final class KernelStream implements StreamSockets {

    private final StreamSockets sockets;
    private final StreamForwarding stream;
    private final KernelForwardingEngine engine;
    /** [kind] → the substream's current offload, or null. */
    private final AtomicReferenceArray<Offload> offloads = new AtomicReferenceArray<>(SubstreamKind.values().length);

    KernelStream(StreamSockets sockets, StreamForwarding stream, KernelForwardingEngine engine) {
        this.sockets = sockets;
        this.stream = stream;
        this.engine = engine;
    }

    @Override
    public void bind(Party party, InetAddress ip, int rtpPort) throws IOException {
        sockets.bind(party, ip, rtpPort);
    }

    @Override
    public void runAndWait(Runnable task) {
        sockets.runAndWait(task);
    }

    @Override
    public void flushQueued(SubstreamKind kind, Party towards) {
        sockets.flushQueued(kind, towards);
    }

    @Override
    public void offload(SubstreamKind kind) {
        NatEntry entry = natEntry(stream.substream(kind));
        if (entry == null) {
            return;
        }
        Offload current = offloads.get(kind.ordinal());
        if (current != null) {
            if (current.entry().equals(entry)) {
                return;
            }
            withdraw(kind);
        }
        Offload offload = new Offload(kind, entry, this);
        offloads.set(kind.ordinal(), offload);
        engine.install(offload);
    }

    @Override
    public void withdraw(SubstreamKind kind) {
        Offload offload = offloads.getAndSet(kind.ordinal(), null);
        if (offload == null) {
            return;
        }
        Optional<FlowCounters> last = offload.withdraw(engine.kernel());
        engine.forget(offload);
        last.ifPresent(counters -> stream.substream(kind).fold(traffic(counters)));
    }

    @Override
    public boolean isOffloaded(SubstreamKind kind) {
        Offload offload = offloads.get(kind.ordinal());
        return offload != null && offload.isInstalled();
    }

    @Override
    public TrafficCounters offloadedCounters(SubstreamKind kind) {
        Offload offload = offloads.get(kind.ordinal());
        if (offload == null || !offload.isInstalled()) {
            return TrafficCounters.ZERO;
        }
        return engine.kernel().counters(offload.entry()).map(KernelStream::traffic).orElse(TrafficCounters.ZERO);
    }

    @Override
    public void close() {
        sockets.runAndWait(() -> {
            withdraw(SubstreamKind.RTP);
            withdraw(SubstreamKind.RTCP);
        });
        sockets.close();
    }

    /**
     * The kernel expired the entry of {@code offload} (called on the engine's expiry thread).
     * Its counters are folded either way; the session layer hears of it only if the entry was
     * still the substream's (not withdrawn meanwhile, whose delete then found nothing to count).
     */
    void expired(Offload offload, FlowCounters finalCounters, int timeoutWait) {
        sockets.runAndWait(() -> {
            engine.forget(offload);
            SubstreamKind kind = offload.kind();
            stream.substream(kind).fold(traffic(finalCounters));
            if (offload.expire()) {
                offloads.compareAndSet(kind.ordinal(), offload, null);
                stream.offloadExpired(kind, timeoutWait);
            }
        });
    }

    /** CR→CL, DNAT to ER, SNAT to EL; null unless all four are IPv4 and known. */
    private static NatEntry natEntry(SubstreamForwarding substream) {
        InetSocketAddress callerRemote = substream.remote(Party.CALLER);
        InetSocketAddress callerLocal = substream.local(Party.CALLER);
        InetSocketAddress calleeRemote = substream.remote(Party.CALLEE);
        InetSocketAddress calleeLocal = substream.local(Party.CALLEE);
        if (!ipv4(callerRemote) || !ipv4(callerLocal) || !ipv4(calleeRemote) || !ipv4(calleeLocal)
                || callerLocal.getAddress().isAnyLocalAddress() || calleeLocal.getAddress().isAnyLocalAddress()) {
            return null;
        }
        return new NatEntry(callerRemote, callerLocal, calleeRemote, calleeLocal);
    }

    private static boolean ipv4(InetSocketAddress address) {
        return address != null && address.getAddress() instanceof Inet4Address;
    }

    private static TrafficCounters traffic(FlowCounters counters) {
        return new TrafficCounters(counters.callerPackets(), counters.callerBytes(),
                counters.calleePackets(), counters.calleeBytes());
    }
}
