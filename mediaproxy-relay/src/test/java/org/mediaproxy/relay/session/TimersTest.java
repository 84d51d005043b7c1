package org.mediaproxy.relay.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mediaproxy.relay.session.RelayHarness.audio;
import static org.mediaproxy.relay.session.RelayHarness.ports;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mediaproxy.common.json.PythonJson;
import org.mediaproxy.relay.session.RelayHarness.Call;

/** Stream timeouts, hold and ICE classification (catalogue section F). */
class TimersTest {

    private RelayHarness relay;

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    private RelayHarness start(RelayHarness.Options options) {
        relay = new RelayHarness(options);
        return relay;
    }

    private RelayHarness start() {
        return start(new RelayHarness.Options());
    }

    private JsonNode onlyExpiry() {
        List<RecordingListener.Expiry> expired = relay.listener.expired();
        assertEquals(1, expired.size());
        assertEquals(RelayHarness.DISPATCHER, expired.get(0).dispatcher());
        return expired.get(0).record();
    }

    @Test
    void unansweredOfferWithoutMediaExpiresAfterStreamTimeout() {
        // Behaviour 80 (setuptest1).
        start();
        relay.call("t80").callerInvite(1, audio(4000));
        relay.timers.advance(Duration.ofSeconds(89));
        assertTrue(relay.listener.expired().isEmpty());
        relay.timers.advance(Duration.ofSeconds(1));
        JsonNode record = onlyExpiry();
        assertTrue(record.get("start_time").isNull());
        assertEquals(0, record.get("duration").asInt());
        assertEquals(0, record.get("streams").size());
        assertTrue(relay.manager.isIdle());
        assertEquals(0, relay.manager.sessionCount(RelayHarness.DISPATCHER));
    }

    @Test
    void mediaThatStopsEndsTheStreamAfterStreamTimeout() throws Exception {
        // Behaviour 81 (setuptest3), user-space mode: silence after media also times out.
        start();
        try (MediaCall media = new MediaCall(relay, "t81")) {
            media.exchangeRtp();
            relay.timers.advance(Duration.ofSeconds(119));
            assertTrue(relay.listener.expired().isEmpty());
            relay.timers.advance(Duration.ofSeconds(2));
            JsonNode stream = onlyExpiry().get("streams").get(0);
            assertEquals("no-traffic timeout", stream.get("status").asText());
            assertEquals(90, stream.get("timeout_wait").asInt());
            assertEquals(120, stream.get("end_time").asInt());
        }
    }

    @Test
    void mediaKeepsTheStreamAlive() throws Exception {
        start();
        try (MediaCall media = new MediaCall(relay, "t81b")) {
            for (int i = 0; i < 10; i++) {
                media.exchangeRtp();
                relay.timers.advance(Duration.ofSeconds(30));
            }
            assertTrue(relay.listener.expired().isEmpty());
            assertEquals("active", relay.stream(0).get("status").asText());
        }
    }

    @Test
    void sendonlyPutsTheStreamOnHoldAndSendrecvResumesIt() throws Exception {
        // Behaviour 83 (holdtest1).
        start();
        try (MediaCall media = new MediaCall(relay, "t83")) {
            media.exchangeRtp();
            Call call = media.call;
            List<Integer> held = ports(call.callerRequest(2, MediaCall.line(media.caller, "sendonly:ice=no")));
            call.calleeReply(2, MediaCall.line(media.callee, "recvonly:ice=no"));
            assertEquals(List.of(media.calleeSidePort), held);
            assertEquals("on hold", relay.stream(0).get("status").asText());
            call.callerRequest(3, MediaCall.line(media.caller, "sendrecv:ice=no"));
            call.calleeReply(3, MediaCall.line(media.callee, "sendrecv:ice=no"));
            assertEquals("active", relay.stream(0).get("status").asText());
            media.exchangeRtp();
            assertEquals(1, relay.sessions().get(0).get("streams").size());
        }
    }

    @Test
    void holdWithZeroAddressKeepsTheStream() throws Exception {
        // Behaviour 84 (holdtest2).
        start();
        try (MediaCall media = new MediaCall(relay, "t84")) {
            Call call = media.call;
            String hold = "audio:0.0.0.0:" + media.caller.port() + ":sendrecv:ice=no";
            assertEquals(List.of(media.calleeSidePort), ports(call.callerRequest(2, hold)));
            assertEquals(List.of(media.callerSidePort),
                    ports(call.calleeReply(2, MediaCall.line(media.callee, "sendrecv:ice=no"))));
            assertEquals("on hold", relay.stream(0).get("status").asText());
            assertEquals(1, relay.sessions().get(0).get("streams").size());
        }
    }

    @Test
    void onHoldTimeoutCapsHoldEvenWithTrafficFlowing() throws Exception {
        // Behaviour 85 (holdtest3).
        RelayHarness.Options options = new RelayHarness.Options();
        options.onHoldTimeout = Duration.ofSeconds(20);
        start(options);
        try (MediaCall media = new MediaCall(relay, "t85")) {
            media.exchangeRtp();
            media.call.callerRequest(2, MediaCall.line(media.caller, "inactive:ice=no"));
            media.call.calleeReply(2, MediaCall.line(media.callee, "inactive:ice=no"));
            for (int i = 0; i < 3; i++) {
                media.exchangeRtp();
                relay.timers.advance(Duration.ofSeconds(6));
            }
            relay.timers.advance(Duration.ofSeconds(2));
            JsonNode stream = onlyExpiry().get("streams").get(0);
            assertEquals("on hold timeout", stream.get("status").asText());
            assertEquals(20, stream.get("timeout_wait").asInt());
        }
    }

    @Test
    void recvonlyIsNotHold() throws Exception {
        // Behaviour 86.
        start();
        try (MediaCall media = new MediaCall(relay, "t86", "sendrecv:ice=no", "recvonly:ice=no")) {
            assertEquals("active", relay.stream(0).get("status").asText());
        }
    }

    @Test
    void silentRtcpOnlyForgetsItsPeers() throws Exception {
        // Behaviour 87.
        start();
        try (MediaCall media = new MediaCall(relay, "t87")) {
            media.exchangeRtp();
            relay.timers.advance(Duration.ofSeconds(45));
            media.exchangeRtp();
            relay.timers.advance(Duration.ofSeconds(46));
            assertTrue(relay.listener.expired().isEmpty());
            assertEquals("active", relay.stream(0).get("status").asText());
            // RTCP is learned afresh later on: once the callee's is latched, the caller's goes through.
            media.calleeRtcp(Endpoint.rtcp());
            Endpoint.Received relayed = null;
            for (int attempt = 0; attempt < 10 && relayed == null; attempt++) {
                media.callerRtcp(Endpoint.rtcp());
                relayed = media.callee.receive(MediaCall.SHORT);
            }
            assertTrue(relayed != null);
            assertEquals(media.calleeSidePort + 1, relayed.source().getPort());
        }
    }

    @Test
    void iceStreamWithOnlyStunIsAnUnselectedCandidate() throws Exception {
        // Behaviour 88 (icetest1).
        start();
        try (MediaCall media = new MediaCall(relay, "t88", "sendrecv:ice=yes", "sendrecv:ice=yes")) {
            media.callerRtp(Endpoint.stunBindingRequest(1));
            assertTrue(media.callee.receive(MediaCall.WAIT) != null);
            media.calleeRtp(Endpoint.stunBindingRequest(2));
            assertTrue(media.caller.receive(MediaCall.WAIT) != null);
            relay.timers.advance(Duration.ofSeconds(90));
            JsonNode stream = onlyExpiry().get("streams").get(0);
            assertEquals("unselected ICE candidate", stream.get("status").asText());
            assertEquals(90, stream.get("timeout_wait").asInt());
            assertEquals("error", media.call.remove());
        }
    }

    @Test
    void iceStreamWithMediaBehavesLikeANormalCall() throws Exception {
        // Behaviour 89 (icetest2).
        start();
        try (MediaCall media = new MediaCall(relay, "t89", "sendrecv:ice=yes", "sendrecv:ice=yes")) {
            media.callerRtp(Endpoint.stunBindingRequest(1));
            media.callee.receive(MediaCall.WAIT);
            media.exchangeRtp();
            relay.timers.advance(Duration.ofSeconds(91));
            assertTrue(relay.listener.expired().isEmpty());
            JsonNode stream = PythonJson.parse(media.call.remove()).get("streams").get(0);
            assertEquals("closed", stream.get("status").asText());
            assertEquals(2, stream.get("caller_packets").asInt());
        }
    }

    @Test
    void stunOnlyTrafficDoesNotStopTheNoTrafficTimer() throws Exception {
        // Behaviour 75.
        start();
        try (MediaCall media = new MediaCall(relay, "t75")) {
            media.callerRtp(Endpoint.stunBindingRequest(1));
            assertTrue(media.callee.receive(MediaCall.WAIT) != null);
            media.calleeRtp(Endpoint.rtp(0, 1, 20));
            assertTrue(media.caller.receive(MediaCall.WAIT) != null);
            relay.timers.advance(Duration.ofSeconds(90));
            JsonNode stream = onlyExpiry().get("streams").get(0);
            assertEquals("no-traffic timeout", stream.get("status").asText());
        }
    }

    @Test
    void resetRestartsTheStreamTimeoutOfTheChangedParty() throws Exception {
        // Behaviour 59/79: a new callee address must send media within stream_timeout of the answer.
        start();
        try (MediaCall media = new MediaCall(relay, "t59")) {
            media.exchangeRtp();
            relay.timers.advance(Duration.ofSeconds(60));
            media.call.calleeReply(1, "audio:127.0.0.1:" + (media.callee.port() + 1) + ":sendrecv:ice=no");
            media.callerRtp(Endpoint.rtp(0, 2, 20));
            relay.timers.advance(Duration.ofSeconds(89));
            assertTrue(relay.listener.expired().isEmpty());
            relay.timers.advance(Duration.ofSeconds(1));
            assertEquals("no-traffic timeout", onlyExpiry().get("streams").get(0).get("status").asText());
        }
    }

    @Test
    void sessionWithoutMediaLivesUntilRemoved() {
        // Relay-media §9: a request without SDP creates a session with no streams and no timers.
        start();
        Call call = relay.call("tnone");
        assertEquals("None", call.callerInvite(1, null));
        relay.timers.advance(Duration.ofHours(3));
        assertTrue(relay.listener.expired().isEmpty());
        assertFalse(relay.manager.isIdle());
        assertTrue(call.remove().startsWith("{\"call_id\": \"tnone\""));
    }
}
