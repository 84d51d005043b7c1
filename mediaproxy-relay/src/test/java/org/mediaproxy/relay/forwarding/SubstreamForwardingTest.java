package org.mediaproxy.relay.forwarding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Latching, STUN, codec, transmit-every, counters and offload hooks of the engine-independent state. */
class SubstreamForwardingTest {

    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    private static final InetSocketAddress CALLER = address(4000);
    private static final InetSocketAddress CALLER_ELSEWHERE = address(4100);
    private static final InetSocketAddress CALLEE = address(5000);
    private static final long RTP_PCMU = 0x8000_0001_0000_00A0L;
    private static final long RTP_PCMA = 0x8008_0001_0000_00A0L;
    private static final long STUN = 0x0001_0000_2112_A442L;

    private final List<String> events = new ArrayList<>();
    private final RecordingEngine engine = new RecordingEngine();

    private StreamForwarding stream(int transmitEvery) throws Exception {
        StreamForwarding stream = new StreamForwarding(engine, Clock.fixed(NOW, ZoneOffset.UTC), transmitEvery,
                new ForwardingEvents() {
                    @Override
                    public void firstMedia(SubstreamKind kind, Party party) {
                        events.add("media " + kind + " " + party);
                    }

                    @Override
                    public void offloadExpired(SubstreamKind kind, int timeoutWait) {
                        events.add("expired " + kind + " " + timeoutWait);
                    }
                });
        stream.bind(Party.CALLER, InetAddress.getLoopbackAddress(), 40000);
        stream.bind(Party.CALLEE, InetAddress.getLoopbackAddress(), 40002);
        return stream;
    }

    private List<String> calls() {
        return engine.opened().get(0).calls;
    }

    @Test
    void firstSourceIsLatchedAndOthersAreDropped() throws Exception {
        // Behaviour 73.
        SubstreamForwarding rtp = stream(1).substream(SubstreamKind.RTP);
        assertEquals(Verdict.DROP, rtp.receive(Party.CALLER, CALLER, 172, RTP_PCMU));
        assertEquals(CALLER, rtp.remote(Party.CALLER));
        assertTrue(rtp.isLatched(Party.CALLER));
        assertEquals(Verdict.DROP, rtp.receive(Party.CALLER, CALLER_ELSEWHERE, 172, RTP_PCMU));
        assertEquals(CALLER, rtp.remote(Party.CALLER));
        assertEquals(Verdict.FORWARD, rtp.receive(Party.CALLEE, CALLEE, 172, RTP_PCMA));
        assertEquals(CALLER, rtp.destination(Party.CALLER));
        assertEquals(Verdict.FORWARD, rtp.receive(Party.CALLER, CALLER, 172, RTP_PCMU));
        assertEquals(new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000), rtp.local(Party.CALLER));
    }

    @Test
    void routableSdpAddressIsADestinationForRtpOnly() throws Exception {
        // Behaviours 70 and 76.
        StreamForwarding stream = stream(1);
        stream.sdpDestination(Party.CALLEE, CALLEE);
        assertEquals(Verdict.FORWARD, stream.substream(SubstreamKind.RTP).receive(Party.CALLER, CALLER, 172, RTP_PCMU));
        assertEquals(CALLEE, stream.substream(SubstreamKind.RTP).destination(Party.CALLEE));
        assertEquals(Verdict.DROP, stream.substream(SubstreamKind.RTCP).receive(Party.CALLER, address(4001), 8,
                0x80C9_0001_0000_0001L));
        assertNull(stream.substream(SubstreamKind.RTCP).destination(Party.CALLEE));
    }

    @Test
    void stunLatchesIsQueuedAndIsNotMedia() throws Exception {
        // Behaviours 74 and 75.
        StreamForwarding stream = stream(1);
        SubstreamForwarding rtp = stream.substream(SubstreamKind.RTP);
        assertEquals(Verdict.QUEUE, rtp.receive(Party.CALLER, CALLER, 20, STUN));
        assertTrue(rtp.isLatched(Party.CALLER));
        assertFalse(rtp.hasSentMedia(Party.CALLER));
        assertEquals(Verdict.DROP, rtp.receive(Party.CALLER, CALLER, 172, RTP_PCMU));
        assertTrue(calls().stream().noneMatch(call -> call.startsWith("flush RTP CALLEE")));
        assertEquals(Verdict.FORWARD, rtp.receive(Party.CALLEE, CALLEE, 20, STUN));
        assertTrue(calls().contains("flush RTP CALLEE"));
        assertFalse(rtp.hasSentMedia(Party.CALLEE));
        assertEquals(List.of("media RTP CALLER"), events);
    }

    @Test
    void sdpDestinationFlushesQueuedStun() throws Exception {
        StreamForwarding stream = stream(1);
        stream.substream(SubstreamKind.RTP).receive(Party.CALLER, CALLER, 20, STUN);
        stream.sdpDestination(Party.CALLEE, CALLEE);
        assertTrue(calls().contains("flush RTP CALLEE"));
    }

    @Test
    void codecIsTakenFromTheFirstMediaPacketOnly() throws Exception {
        // Behaviour 77: not detected again after a reset.
        StreamForwarding stream = stream(1);
        SubstreamForwarding rtp = stream.substream(SubstreamKind.RTP);
        rtp.receive(Party.CALLER, CALLER, 172, RTP_PCMA);
        rtp.receive(Party.CALLER, CALLER, 172, RTP_PCMU);
        assertEquals("G711a", rtp.codec(Party.CALLER));
        assertEquals("Unknown", rtp.codec(Party.CALLEE));
        stream.reset(Party.CALLER);
        rtp.receive(Party.CALLER, CALLER_ELSEWHERE, 172, RTP_PCMU);
        assertEquals("G711a", rtp.codec(Party.CALLER));
        SubstreamForwarding rtcp = stream.substream(SubstreamKind.RTCP);
        rtcp.receive(Party.CALLER, address(4001), 8, 0x80C9_0001_0000_0001L);
        assertEquals("Unknown", rtcp.codec(Party.CALLER));
    }

    @Test
    void resetMakesTheOldSourceObsolete() throws Exception {
        // Behaviour 79.
        StreamForwarding stream = stream(1);
        SubstreamForwarding rtp = stream.substream(SubstreamKind.RTP);
        rtp.receive(Party.CALLEE, CALLEE, 172, RTP_PCMA);
        rtp.receive(Party.CALLER, CALLER, 172, RTP_PCMU);
        stream.reset(Party.CALLER);
        assertFalse(rtp.isLatched(Party.CALLER));
        assertFalse(rtp.hasSentMedia(Party.CALLER));
        assertEquals(CALLER, rtp.remote(Party.CALLER));
        assertEquals(Verdict.DROP, rtp.receive(Party.CALLER, CALLER, 172, RTP_PCMU));
        assertEquals(Verdict.FORWARD, rtp.receive(Party.CALLER, CALLER_ELSEWHERE, 172, RTP_PCMU));
        assertEquals(Verdict.DROP, rtp.receive(Party.CALLER, CALLER, 172, RTP_PCMU));
        assertTrue(calls().containsAll(List.of("withdraw RTP", "withdraw RTCP")));
    }

    @Test
    void forgottenPeersAreLearnedAgain() throws Exception {
        StreamForwarding stream = stream(1);
        SubstreamForwarding rtcp = stream.substream(SubstreamKind.RTCP);
        rtcp.receive(Party.CALLER, address(4001), 8, 0x80C9_0001_0000_0001L);
        stream.forgetPeers(SubstreamKind.RTCP);
        assertNull(rtcp.remote(Party.CALLER));
        rtcp.receive(Party.CALLER, address(4101), 8, 0x80C9_0001_0000_0001L);
        assertEquals(address(4101), rtcp.remote(Party.CALLER));
    }

    @Test
    void everyNthMediaPacketIsForwarded() throws Exception {
        // Behaviour 78; STUN is not subject to it.
        StreamForwarding stream = stream(3);
        stream.sdpDestination(Party.CALLEE, CALLEE);
        SubstreamForwarding rtp = stream.substream(SubstreamKind.RTP);
        List<Verdict> verdicts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            verdicts.add(rtp.receive(Party.CALLER, CALLER, 172, RTP_PCMU));
        }
        assertEquals(List.of(Verdict.FORWARD, Verdict.DROP, Verdict.DROP, Verdict.FORWARD, Verdict.DROP, Verdict.DROP),
                verdicts);
        assertEquals(Verdict.FORWARD, rtp.receive(Party.CALLER, CALLER, 20, STUN));
        assertEquals(6, rtp.activity());
    }

    @Test
    void offloadIsRequestedWhenBothPartiesSentMedia() throws Exception {
        StreamForwarding stream = stream(1);
        SubstreamForwarding rtp = stream.substream(SubstreamKind.RTP);
        rtp.receive(Party.CALLER, CALLER, 20, STUN);
        rtp.receive(Party.CALLEE, CALLEE, 20, STUN);
        rtp.receive(Party.CALLER, CALLER, 172, RTP_PCMU);
        assertFalse(calls().contains("offload RTP"));
        rtp.receive(Party.CALLEE, CALLEE, 172, RTP_PCMA);
        assertTrue(calls().contains("offload RTP"));
        assertTrue(stream.isOffloaded(SubstreamKind.RTP));
        assertEquals(NOW, stream.firstMediaTime());
        assertEquals(List.of("media RTP CALLER", "media RTP CALLEE"), events);
    }

    @Test
    void countersAreIpLevelAndIncludeKernelTraffic() throws Exception {
        StreamForwarding stream = stream(1);
        SubstreamForwarding rtp = stream.substream(SubstreamKind.RTP);
        rtp.relayed(Party.CALLER, 172);
        rtp.relayed(Party.CALLEE, 160);
        rtp.relayed(Party.CALLEE, 160);
        assertEquals(new TrafficCounters(1, 200, 2, 376), stream.counters());
        rtp.receive(Party.CALLER, CALLER, 172, RTP_PCMU);
        rtp.receive(Party.CALLEE, CALLEE, 172, RTP_PCMA);
        RecordingEngine.Sockets sockets = engine.opened().get(0);
        sockets.kernelCounted(SubstreamKind.RTP, new TrafficCounters(10, 2000, 20, 4000));
        assertEquals(new TrafficCounters(11, 2200, 22, 4376), stream.counters());
        stream.reset(Party.CALLEE);
        assertEquals(new TrafficCounters(11, 2200, 22, 4376), stream.counters());
        assertFalse(stream.isOffloaded(SubstreamKind.RTP));
    }

    @Test
    void kernelExpiryIsReported() throws Exception {
        StreamForwarding stream = stream(1);
        engine.opened().get(0).kernelExpired(SubstreamKind.RTCP, 120);
        assertEquals(List.of("expired RTCP 120"), events);
    }

    private static InetSocketAddress address(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }
}
