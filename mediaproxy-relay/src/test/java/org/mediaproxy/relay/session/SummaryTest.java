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
import org.mediaproxy.relay.forwarding.Party;
import org.mediaproxy.relay.forwarding.RecordingEngine;
import org.mediaproxy.relay.forwarding.SubstreamKind;
import org.mediaproxy.relay.forwarding.TrafficCounters;
import org.mediaproxy.relay.session.RelayHarness.Call;

/** The {@code summary} answer: key order, stream counts by media type, bandwidth sampling. */
class SummaryTest {

    private final RecordingEngine engine = new RecordingEngine();
    private RelayHarness relay;

    @BeforeEach
    void start() {
        RelayHarness.Options options = new RelayHarness.Options();
        options.engine = () -> engine;
        relay = new RelayHarness(options);
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    private void offload(RecordingEngine.Sockets sockets, TrafficCounters counters) {
        sockets.stream.substream(SubstreamKind.RTP).receive(Party.CALLER,
                new InetSocketAddress(RelayHarness.LOOPBACK, 4000), 100, 0x8000_0000_0000_0000L);
        sockets.stream.substream(SubstreamKind.RTP).receive(Party.CALLEE,
                new InetSocketAddress(RelayHarness.LOOPBACK, 5000), 100, 0x8000_0000_0000_0000L);
        sockets.kernelCounted(SubstreamKind.RTP, counters);
    }

    @Test
    void keysInTheOriginalsOrderAndStreamsCountedByType() {
        // Behaviour 26.
        Call call = relay.call("s1");
        call.callerInvite(1, audio(4000) + ",image:127.0.0.1:4002:sendrecv:ice=no,video:127.0.0.1:0:sendrecv:ice=no");
        relay.clock.advance(Duration.ofMillis(2500));
        assertEquals("{\"ip\": \"127.0.0.1\", \"version\": \"4.1.2\", \"status\": \"active\", \"uptime\": 2, "
                + "\"session_count\": 1, \"stream_count\": {\"audio\": 1, \"image\": 1}, \"bps_relayed\": 0}",
                relay.execute("summary", java.util.Map.of()));
        call.remove();
        assertEquals(0, relay.summary().get("stream_count").size());
    }

    @Test
    void bandwidthIsSampledEveryPeriodIncludingClosedSessions() {
        // Behaviour 102, relay side (the counters come from the engine).
        Call first = relay.call("s2");
        first.callerInvite(1, audio(4000));
        first.calleeReply(1, audio(5000));
        RecordingEngine.Sockets sockets = engine.opened().get(0);
        offload(sockets, new TrafficCounters(10, 15000, 10, 15000));
        relay.timers.advance(Duration.ofSeconds(15));
        JsonNode bps = relay.summary().get("bps_relayed");
        assertTrue(bps.isDouble());
        assertEquals(8 * 30000 / 15.0, bps.doubleValue());
        sockets.kernelCounted(SubstreamKind.RTP, new TrafficCounters(20, 30000, 20, 30000));
        first.remove();
        relay.timers.advance(Duration.ofSeconds(15));
        assertEquals(8 * 30000 / 15.0, relay.summary().get("bps_relayed").doubleValue());
        relay.timers.advance(Duration.ofSeconds(15));
        assertEquals("0.0", relay.summary().get("bps_relayed").toString());
    }

    @Test
    void zeroSamplingPeriodDisablesSampling() {
        relay.close();
        RelayHarness.Options options = new RelayHarness.Options();
        options.engine = () -> engine;
        options.samplingPeriod = Duration.ZERO;
        relay = new RelayHarness(options);
        relay.timers.advance(Duration.ofMinutes(5));
        assertTrue(relay.summary().get("bps_relayed").isInt());
    }
}
