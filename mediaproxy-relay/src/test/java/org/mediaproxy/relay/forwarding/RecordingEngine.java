package org.mediaproxy.relay.forwarding;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * An engine without sockets, standing in for a kernel engine: it records what the forwarding
 * state asks of it, runs every task inline (the test thread plays the stream's thread) and lets
 * tests pretend that substreams were offloaded, carried traffic and expired.
 */
public final class RecordingEngine implements ForwardingEngine {

    private final List<Sockets> opened = new ArrayList<>();

    /** The engine side of one stream. */
    public final class Sockets implements StreamSockets {
        public final StreamForwarding stream;
        public final List<String> calls = new ArrayList<>();
        private final Map<SubstreamKind, TrafficCounters> offloaded = new EnumMap<>(SubstreamKind.class);

        Sockets(StreamForwarding stream) {
            this.stream = stream;
        }

        @Override
        public void bind(Party party, InetAddress ip, int rtpPort) {
            calls.add("bind " + party + " " + rtpPort);
        }

        @Override
        public void runAndWait(Runnable task) {
            task.run();
        }

        @Override
        public void flushQueued(SubstreamKind kind, Party towards) {
            calls.add("flush " + kind + " " + towards);
        }

        @Override
        public void offload(SubstreamKind kind) {
            calls.add("offload " + kind);
            offloaded.put(kind, TrafficCounters.ZERO);
        }

        @Override
        public void withdraw(SubstreamKind kind) {
            calls.add("withdraw " + kind);
            TrafficCounters last = offloaded.remove(kind);
            if (last != null) {
                stream.substream(kind).fold(last);
            }
        }

        @Override
        public boolean isOffloaded(SubstreamKind kind) {
            return offloaded.containsKey(kind);
        }

        @Override
        public TrafficCounters offloadedCounters(SubstreamKind kind) {
            return offloaded.getOrDefault(kind, TrafficCounters.ZERO);
        }

        /** Pretends the kernel entry of {@code kind} has carried {@code counters} so far. */
        public void kernelCounted(SubstreamKind kind, TrafficCounters counters) {
            offloaded.put(kind, counters);
        }

        /** Pretends the kernel entry of {@code kind} expired, as a DESTROY event would report. */
        public void kernelExpired(SubstreamKind kind, int timeoutWait) {
            TrafficCounters last = offloaded.remove(kind);
            stream.substream(kind).fold(last == null ? TrafficCounters.ZERO : last);
            stream.offloadExpired(kind, timeoutWait);
        }

        @Override
        public void close() {
            calls.add("close");
            for (SubstreamKind kind : SubstreamKind.values()) {
                if (offloaded.containsKey(kind)) {
                    withdraw(kind);
                }
            }
        }
    }

    @Override
    public String name() {
        return "recording";
    }

    @Override
    public StreamSockets open(StreamForwarding stream) {
        Sockets sockets = new Sockets(stream);
        opened.add(sockets);
        return sockets;
    }

    public List<Sockets> opened() {
        return opened;
    }

    @Override
    public void close() {
    }
}
