package org.mediaproxy.relay.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mediaproxy.relay.session.RelayHarness.audio;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mediaproxy.common.json.PythonJson;
import org.mediaproxy.relay.forwarding.Party;
import org.mediaproxy.relay.forwarding.RecordingEngine;
import org.mediaproxy.relay.forwarding.SubstreamKind;
import org.mediaproxy.relay.forwarding.TrafficCounters;
import org.mediaproxy.relay.session.RelayHarness.Call;

/**
 * The session layer against an engine that offloads to a (pretend) kernel: what a conntrack
 * engine will report reaches the records and the timers as the original's kernel path does.
 */
class OffloadSeamTest {

    private static final long RTP = 0x8000_0001_0000_00A0L;
    private static final long RTCP = 0x80C9_0001_0000_0001L;

    private final RecordingEngine engine = new RecordingEngine();
    private RelayHarness relay;
    private Call call;
    private RecordingEngine.Sockets sockets;

    @BeforeEach
    void start() {
        RelayHarness.Options options = new RelayHarness.Options();
        options.engine = () -> engine;
        relay = new RelayHarness(options);
        call = relay.call("k1");
        call.callerInvite(1, audio(4000));
        call.calleeReply(1, audio(5000));
        sockets = engine.opened().get(0);
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    private void bothSendMedia(SubstreamKind kind, long head) {
        int offset = kind == SubstreamKind.RTP ? 0 : 1;
        sockets.stream.substream(kind).receive(Party.CALLER, address(4000 + offset), 100, head);
        sockets.stream.substream(kind).receive(Party.CALLEE, address(5000 + offset), 100, head);
        relay.timers.runDue();
    }

    @Test
    void bothPartiesSendingMediaOffloadsTheSubstream() {
        bothSendMedia(SubstreamKind.RTP, RTP);
        assertTrue(sockets.calls.contains("offload RTP"));
        assertTrue(sockets.stream.isOffloaded(SubstreamKind.RTP));
    }

    @Test
    void conntrackTimeoutEndsTheStreamWithTheKernelsTimeout() {
        // Behaviour 82, relay side: counters of the expired entry stay in the record.
        bothSendMedia(SubstreamKind.RTP, RTP);
        sockets.kernelCounted(SubstreamKind.RTP, new TrafficCounters(39, 7800, 39, 7800));
        relay.clock.advance(Duration.ofSeconds(11));
        sockets.kernelExpired(SubstreamKind.RTP, 10);
        relay.timers.runDue();
        assertEquals(1, relay.listener.expired().size());
        JsonNode stream = relay.listener.expired().get(0).record().get("streams").get(0);
        assertEquals("conntrack timeout", stream.get("status").asText());
        assertEquals(10, stream.get("timeout_wait").asInt());
        assertEquals(7800, stream.get("caller_bytes").asInt());
        assertEquals(39, stream.get("callee_packets").asInt());
        assertEquals(11, stream.get("end_time").asInt());
    }

    @Test
    void rtcpConntrackTimeoutOnlyForgetsThePeers() {
        bothSendMedia(SubstreamKind.RTP, RTP);
        bothSendMedia(SubstreamKind.RTCP, RTCP);
        sockets.kernelExpired(SubstreamKind.RTCP, 120);
        relay.timers.runDue();
        assertTrue(relay.listener.expired().isEmpty());
        assertEquals(null, sockets.stream.substream(SubstreamKind.RTCP).remote(Party.CALLER));
        assertEquals("active", relay.stream(0).get("status").asText());
    }

    @Test
    void conntrackTimeoutWhileOnHoldForgetsThePeers() {
        bothSendMedia(SubstreamKind.RTP, RTP);
        call.callerRequest(2, "audio:127.0.0.1:4000:sendonly:ice=no");
        call.calleeReply(2, "audio:127.0.0.1:5000:recvonly:ice=no");
        sockets.kernelExpired(SubstreamKind.RTP, 120);
        relay.timers.runDue();
        assertTrue(relay.listener.expired().isEmpty());
        assertEquals("on hold", relay.stream(0).get("status").asText());
        assertEquals("Unknown", relay.stream(0).get("caller_remote").asText());
    }

    @Test
    void offloadedSubstreamsAreLeftToTheKernelsSilenceDetection() {
        bothSendMedia(SubstreamKind.RTP, RTP);
        bothSendMedia(SubstreamKind.RTCP, RTCP);
        relay.timers.advance(Duration.ofSeconds(600));
        assertTrue(relay.listener.expired().isEmpty());
    }

    @Test
    void removeWithdrawsTheEntriesAndKeepsTheirCounters() {
        bothSendMedia(SubstreamKind.RTP, RTP);
        sockets.kernelCounted(SubstreamKind.RTP, new TrafficCounters(59, 11800, 59, 11800));
        JsonNode record = PythonJson.parse(call.remove());
        assertTrue(sockets.calls.contains("withdraw RTP"));
        JsonNode stream = record.get("streams").get(0);
        assertEquals(11800, stream.get("callee_bytes").asInt());
        assertEquals(59, stream.get("caller_packets").asInt());
    }

    @Test
    void resetWithdrawsTheEntryBeforeThePeerChanges() {
        bothSendMedia(SubstreamKind.RTP, RTP);
        sockets.kernelCounted(SubstreamKind.RTP, new TrafficCounters(5, 1000, 5, 1000));
        call.calleeReply(1, audio(5010));
        assertTrue(sockets.calls.contains("withdraw RTP"));
        assertEquals(1000, relay.stream(0).get("callee_bytes").asInt());
        assertTrue(!sockets.stream.isOffloaded(SubstreamKind.RTP));
    }

    private static InetSocketAddress address(int port) {
        return new InetSocketAddress(RelayHarness.LOOPBACK, port);
    }
}
