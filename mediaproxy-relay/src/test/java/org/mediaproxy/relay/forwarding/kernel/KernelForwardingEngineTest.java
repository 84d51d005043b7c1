package org.mediaproxy.relay.forwarding.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mediaproxy.relay.testing.NetnsFixture.CALLEE_IP;
import static org.mediaproxy.relay.testing.NetnsFixture.CALLER_IP;
import static org.mediaproxy.relay.testing.NetnsFixture.RELAY_IP;
import static org.mediaproxy.relay.testing.NetnsFixture.address;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mediaproxy.relay.forwarding.ForwardingEngine;
import org.mediaproxy.relay.forwarding.ForwardingEvents;
import org.mediaproxy.relay.forwarding.Party;
import org.mediaproxy.relay.forwarding.StreamForwarding;
import org.mediaproxy.relay.forwarding.SubstreamKind;
import org.mediaproxy.relay.forwarding.TrafficCounters;
import org.mediaproxy.relay.testing.Datagrams;
import org.mediaproxy.relay.testing.NetnsFixture;

/**
 * The kernel engine behind the forwarding seam, with real packets between the fixture's caller
 * and callee namespaces: userspace relays the first packets, the kernel the rest, and nothing is
 * lost or counted twice on the way.
 */
class KernelForwardingEngineTest {

    static final InetSocketAddress CALLER = address(CALLER_IP, 4000);
    static final InetSocketAddress CALLEE = address(CALLEE_IP, 5000);
    static final InetSocketAddress CALLER_SIDE = address(RELAY_IP, 40000);
    static final InetSocketAddress CALLEE_SIDE = address(RELAY_IP, 40002);
    static final Duration WAIT = Duration.ofSeconds(3);
    static final int PAYLOAD = 172;
    /** What conntrack counts for one such datagram: IP and UDP headers included. */
    static final int IP_BYTES = PAYLOAD + 28;

    @RegisterExtension
    final NetnsFixture net = new NetnsFixture();

    private final KernelOptions options = KernelOptions.defaults().withSelfTest(false);
    private final Set<String> problems = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();

    @Test
    void afterTheFirstPacketsTheKernelForwardsBothWaysAndTheCountersAddUp() throws Exception {
        try (KernelForwardingEngine engine = net.relay().call(() -> KernelForwardingEngine.start(options, 1));
             DatagramChannel caller = net.caller().udp(CALLER);
             DatagramChannel callee = net.callee().udp(CALLEE)) {
            StreamForwarding stream = stream(engine);
            // The caller's first packet finds no destination yet (the callee is unknown): dropped.
            Datagrams.send(caller, payload(0), CALLER_SIDE);
            Datagrams.send(callee, payload(0), CALLEE_SIDE);
            assertEquals(CALLER_SIDE, Datagrams.receive(caller, WAIT).orElseThrow().source());
            eventually(() -> stream.isOffloaded(SubstreamKind.RTP));
            TrafficCounters userspace = stream.substream(SubstreamKind.RTP).counters();
            assertEquals(new TrafficCounters(0, 0, 1, IP_BYTES), userspace, "relayed in userspace: the callee's first");

            for (int i = 1; i <= 20; i++) {
                Datagrams.send(caller, payload(i), CALLER_SIDE);
                assertEquals(CALLEE_SIDE, Datagrams.receive(callee, WAIT).orElseThrow().source());
                Datagrams.send(callee, payload(i), CALLEE_SIDE);
                assertEquals(CALLER_SIDE, Datagrams.receive(caller, WAIT).orElseThrow().source());
            }

            assertEquals(userspace, stream.substream(SubstreamKind.RTP).counters(), "the sockets saw none of them");
            TrafficCounters total = new TrafficCounters(20, 20 * IP_BYTES, 21, 21 * IP_BYTES);
            assertEquals(total, stream.counters(), "kernel counters added to the userspace ones");
            assertEquals(1, ownEntries());

            stream.close();
            assertEquals(total, stream.counters(), "final kernel counters folded in when the stream closed");
            assertFalse(stream.isOffloaded(SubstreamKind.RTP));
            assertEquals(0, ownEntries());
        }
    }

    @Test
    void noPacketIsLostWhileTheKernelTakesOverAndGivesBackThroughTheEngine() throws Exception {
        int packets = 1500;
        try (KernelForwardingEngine engine = net.relay().call(() -> KernelForwardingEngine.start(options, 1));
             DatagramChannel caller = net.caller().udp(CALLER);
             DatagramChannel callee = net.callee().udp(CALLEE)) {
            StreamForwarding stream = stream(engine);
            // Known destinations from the start, so every packet has somewhere to go before latching.
            stream.sdpDestination(Party.CALLER, CALLER);
            stream.sdpDestination(Party.CALLEE, CALLEE);
            BitSet atCallee = new BitSet();
            BitSet atCaller = new BitSet();
            start("callee receiver", () -> collect(callee, CALLEE_SIDE, atCallee));
            start("caller receiver", () -> collect(caller, CALLER_SIDE, atCaller));
            Thread callerSender = start("caller sender", () -> stream(caller, CALLER_SIDE, packets));
            Thread calleeSender = start("callee sender", () -> stream(callee, CALLEE_SIDE, packets));

            int handOvers = 0;
            while (callerSender.isAlive()) {
                eventually(() -> stream.isOffloaded(SubstreamKind.RTP));
                handOvers++;
                Thread.sleep(250);
                // Back to userspace, learned again from the next packets, then offloaded again.
                stream.forgetPeers(SubstreamKind.RTP);
                Thread.sleep(100);
            }
            callerSender.join();
            calleeSender.join();
            Thread.sleep(300);
            caller.close();
            callee.close();
            for (Thread thread : threads) {
                thread.join(2000);
            }

            assertTrue(problems.isEmpty(), problems.size() + " problems, e.g. " + problems.stream().limit(5).toList());
            assertEquals(packets, atCallee.cardinality(), "missing at callee: " + missing(atCallee, packets));
            assertEquals(packets, atCaller.cardinality(), "missing at caller: " + missing(atCaller, packets));
            assertTrue(handOvers >= 3, "handed over " + handOvers + " times");
            stream.close();
            TrafficCounters counted = stream.counters();
            // Once each; a packet in flight at the instant of a delete may be counted by the
            // kernel after its DESTROY snapshot (see HandOverTest): at most one per hand-back.
            for (Party party : Party.values()) {
                long sent = packets;
                assertTrue(counted.packets(party) <= sent && counted.packets(party) >= sent - handOvers,
                        party + " packets counted once: " + counted);
                assertEquals(counted.packets(party) * IP_BYTES, counted.bytes(party));
            }
        }
    }

    @Test
    void closingTheEngineLeavesNoEntryRuleOrThread() throws Exception {
        KernelForwardingEngine engine = net.relay().call(() -> KernelForwardingEngine.start(options, 1));
        try (DatagramChannel caller = net.caller().udp(CALLER);
             DatagramChannel callee = net.callee().udp(CALLEE)) {
            StreamForwarding stream = stream(engine);
            Datagrams.send(caller, payload(0), CALLER_SIDE);
            Datagrams.send(callee, payload(0), CALLEE_SIDE);
            eventually(() -> stream.isOffloaded(SubstreamKind.RTP));
            assertEquals(1, ownEntries());
            assertTrue(net.relay().exec("nft", "list", "tables").contains("mediaproxy"));
        } finally {
            engine.close();
        }
        assertEquals(0, ownEntries());
        assertEquals("", net.relay().exec("nft", "list", "tables").strip());
        Set<String> names = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .map(Thread::getName).collect(Collectors.toSet());
        for (String name : List.of("kernel-offload", "conntrack-destroy-watcher", "conntrack-expiry-sweep")) {
            assertFalse(names.contains(name), name + " still running: " + names);
        }
    }

    private StreamForwarding stream(KernelForwardingEngine engine) {
        return streamOn(net, engine);
    }

    /** One stream on {@link #CALLER_SIDE} / {@link #CALLEE_SIDE}, bound in the relay namespace. */
    StreamForwarding streamOn(NetnsFixture net, ForwardingEngine engine) {
        StreamForwarding stream = new StreamForwarding(engine, Clock.systemUTC(), 1, new ForwardingEvents() {
            @Override
            public void firstMedia(SubstreamKind kind, Party party) {
            }

            @Override
            public void offloadExpired(SubstreamKind kind, int timeoutWait) {
                problems.add("unexpected expiry of " + kind);
            }
        });
        // Sockets belong to the namespace of the thread that creates them.
        net.relay().run(() -> {
            stream.bind(Party.CALLER, RELAY_IP, CALLER_SIDE.getPort());
            stream.bind(Party.CALLEE, RELAY_IP, CALLEE_SIDE.getPort());
        });
        return stream;
    }

    private long ownEntries() {
        return net.relay().exec("conntrack", "-L", "-m", Integer.toString(options.mark())).lines()
                .filter(line -> line.startsWith("udp")).count();
    }

    static byte[] payload(int sequence) {
        return ByteBuffer.allocate(PAYLOAD).putInt(0, sequence).array();
    }

    static void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(2);
        }
    }

    private void stream(DatagramChannel from, InetSocketAddress to, int packets) throws IOException {
        long next = System.nanoTime();
        for (int sequence = 0; sequence < packets; sequence++) {
            from.send(ByteBuffer.wrap(payload(sequence)), to);
            next += 2_000_000;
            LockSupport.parkNanos(next - System.nanoTime());
        }
    }

    private void collect(DatagramChannel at, InetSocketAddress expectedSource, BitSet sequences) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(2048);
        while (true) {
            buffer.clear();
            InetSocketAddress source = (InetSocketAddress) at.receive(buffer);
            int sequence = buffer.getInt(0);
            if (!expectedSource.equals(source)) {
                problems.add("packet " + sequence + " came from " + source + " instead of " + expectedSource);
            }
            if (buffer.position() != PAYLOAD) {
                problems.add("packet " + sequence + " has " + buffer.position() + " bytes");
            }
            synchronized (sequences) {
                if (sequences.get(sequence)) {
                    problems.add("packet " + sequence + " arrived twice at " + at.getLocalAddress());
                }
                sequences.set(sequence);
            }
        }
    }

    private Thread start(String name, IoLoop loop) {
        Thread thread = new Thread(() -> {
            try {
                loop.run();
            } catch (ClosedChannelException stopped) {
                // the test closes the sockets when done
            } catch (IOException e) {
                problems.add(name + ": " + e);
            }
        }, name);
        threads.add(thread);
        thread.start();
        return thread;
    }

    private static List<Integer> missing(BitSet received, int packets) {
        List<Integer> missing = new ArrayList<>();
        for (int i = received.nextClearBit(0); i < packets; i = received.nextClearBit(i + 1)) {
            missing.add(i);
        }
        return missing;
    }

    @FunctionalInterface
    private interface IoLoop {
        void run() throws IOException;
    }
}
