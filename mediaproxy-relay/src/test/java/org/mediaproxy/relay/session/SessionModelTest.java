package org.mediaproxy.relay.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mediaproxy.relay.session.RelayHarness.audio;
import static org.mediaproxy.relay.session.RelayHarness.ports;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mediaproxy.common.json.PythonJson;
import org.mediaproxy.relay.session.RelayHarness.Call;

/** Offer/answer, stream reuse, CSeq ordering and port allocation (catalogue section D). */
class SessionModelTest {

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

    @Test
    void offerIsAnsweredWithCalleeSidePortAndAnswerWithCallerSidePort() {
        // Behaviours 47 and 48: first stream = base/base+1 (caller side), base+2/base+3 (callee side).
        start();
        Call call = relay.call("c47");
        String offer = call.callerInvite(1, audio(4000));
        String answer = call.calleeReply(1, audio(5000));
        assertEquals("127.0.0.1 " + (relay.portBase + 2), offer);
        assertEquals("127.0.0.1 " + relay.portBase, answer);
        JsonNode stream = relay.stream(0);
        assertEquals("127.0.0.1:" + relay.portBase, stream.get("caller_local").asText());
        assertEquals("127.0.0.1:" + (relay.portBase + 2), stream.get("callee_local").asText());
        assertBound(relay.portBase + 1);
        assertBound(relay.portBase + 3);
    }

    @Test
    void releasedPairsGoToTheEndOfTheQueue() {
        // Behaviour 49.
        start();
        Call first = relay.call("c49a");
        first.callerInvite(1, audio(4000));
        first.remove();
        String next = relay.call("c49b").callerInvite(1, audio(4000));
        assertEquals(List.of(relay.portBase + 6), ports(next));
    }

    @Test
    void exhaustedPortRangeAnswersErrorAndLeaksNothing() throws Exception {
        // Behaviour 50: three pairs, one stream holds two, the next offer finds only one.
        RelayHarness.Options options = new RelayHarness.Options();
        options.pairs = 3;
        start(options);
        Call first = relay.call("c50a");
        first.callerInvite(1, audio(4000));
        assertEquals("error", relay.call("c50b").callerInvite(1, audio(4000)));
        assertEquals(1, relay.summary().get("session_count").asInt());
        // The pair taken for the failed stream's caller side came back: after the first call
        // ends, all three pairs are free and a stream fits again.
        first.remove();
        assertEquals(1, ports(relay.call("c50c").callerInvite(1, audio(4000))).size());
    }

    @Test
    void failedOfferReleasesTheStreamsItAlreadyAllocated() {
        RelayHarness.Options options = new RelayHarness.Options();
        options.pairs = 4;
        start(options);
        relay.call("c50d").callerInvite(1, audio(4000));
        assertEquals("error", relay.call("c50e").callerInvite(1,
                audio(4000) + ",video:127.0.0.1:4002:sendrecv:ice=no"));
        assertEquals(1, ports(relay.call("c50f").callerInvite(1, audio(4000))).size());
    }

    @Test
    void descriptorLimitCapsTheNumberOfStreams() {
        RelayHarness.Options options = new RelayHarness.Options();
        options.descriptorLimit = SessionManager.RESERVED_DESCRIPTORS + 4;
        start(options);
        assertEquals(1, ports(relay.call("cfd1").callerInvite(1, audio(4000))).size());
        assertEquals("error", relay.call("cfd2").callerInvite(1, audio(4000)));
    }

    @Test
    void pairThatCannotBeBoundIsSkipped() throws IOException {
        // Behaviour 51: someone else holds the RTCP port of the first pair.
        start();
        int base = relay.portBase;
        try (DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(RelayHarness.LOOPBACK, base + 1))) {
            Call call = relay.call("c51");
            assertEquals(List.of(base + 4), ports(call.callerInvite(1, audio(4000))));
            assertEquals(List.of(base + 2), ports(call.calleeReply(1, audio(5000))));
        }
        // The RTP socket opened before the RTCP bind failed was closed again.
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(RelayHarness.LOOPBACK, base))) {
            assertEquals(base, probe.getLocalPort());
        }
    }

    @Test
    void advertisedIpStartsEveryAnswer() throws Exception {
        // Behaviour 52.
        RelayHarness.Options options = new RelayHarness.Options();
        options.advertisedIp = Optional.of(InetAddress.getByName("198.18.0.10"));
        start(options);
        Call call = relay.call("c52");
        assertTrue(call.callerInvite(1, audio(4000)).startsWith("198.18.0.10 "));
        assertTrue(call.calleeReply(1, audio(5000)).startsWith("198.18.0.10 "));
        assertEquals("127.0.0.1", relay.summary().get("ip").asText());
    }

    @Test
    void streamsRejectedWithPortZeroInTheAnswer() {
        // Behaviour 53 (setuptest6).
        start();
        Call call = relay.call("c53");
        call.callerInvite(1, audio(4000) + ",video:127.0.0.1:4002:sendrecv:ice=no," + audio(4004));
        String answer = call.calleeReply(1, "audio:127.0.0.1:0:sendrecv:ice=no,video:127.0.0.1:0:sendrecv:ice=no,"
                + "audio:127.0.0.1:30020:sendrecv:ice=no");
        assertEquals("127.0.0.1 0 0 " + (relay.portBase + 8), answer);
        JsonNode streams = relay.sessions().get(0).get("streams");
        assertEquals("rejected", streams.get(0).get("status").asText());
        assertEquals("rejected", streams.get(1).get("status").asText());
        assertEquals("active", streams.get(2).get("status").asText());
        assertEquals(1, relay.summary().get("stream_count").get("audio").asInt());
    }

    @Test
    void offeredPortZeroClosesTheStream() {
        // Behaviour 54 (setuptest7).
        start();
        Call call = relay.call("c54");
        assertEquals("127.0.0.1 0 " + (relay.portBase + 6),
                call.callerInvite(1, "audio:127.0.0.1:0:sendrecv:ice=no," + audio(4002)));
        call.calleeReply(1, "audio:127.0.0.1:0:sendrecv:ice=no," + audio(5002));
        JsonNode streams = relay.sessions().get(0).get("streams");
        assertEquals("closed", streams.get(0).get("status").asText());
        assertEquals("active", streams.get(1).get("status").asText());
    }

    @Test
    void streamsMissingFromTheAnswerAreRejected() {
        // Behaviour 55.
        start();
        Call call = relay.call("c55");
        call.callerInvite(1, audio(4000) + ",video:127.0.0.1:4002:sendrecv:ice=no");
        assertEquals("127.0.0.1 " + relay.portBase + " 0", call.calleeReply(1, audio(5000)));
        assertEquals("rejected", relay.stream(1).get("status").asText());
    }

    @Test
    void answerWithAnotherMediaTypeIsAnError() {
        // Behaviour 56.
        start();
        Call call = relay.call("c56");
        call.callerInvite(1, audio(4000));
        assertEquals("error", call.calleeReply(1, "video:127.0.0.1:5000:sendrecv:ice=no"));
    }

    @Test
    void sessionCreatedFromAReplyCarryingTheOffer() {
        // Behaviour 57 (setuptest5): INVITE without SDP sent nothing; the 200 OK has the offer.
        start();
        Call call = relay.call("c57");
        assertEquals("None", call.calleeReply(1, null));
        assertEquals("[]", relay.execute("sessions", Map.of()));
        assertEquals("127.0.0.1 " + relay.portBase, call.calleeReply(1, audio(5000)));
        assertEquals("127.0.0.1 " + (relay.portBase + 2), call.callerRequest(1, audio(4000)));
        JsonNode record = relay.sessions().get(0);
        assertEquals(call.callerTag, record.get("from_tag").asText());
        assertEquals("Callee UA", record.get("callee_ua").asText());
        assertEquals("Caller UA", record.get("caller_ua").asText());
    }

    @Test
    void ackWithSdpForTheSameCseqRetainsTheStreams() {
        // Behaviour 58 (setuptest4).
        start();
        Call call = relay.call("c58");
        String invite = call.callerInvite(1, audio(4000));
        call.calleeReply(1, audio(5000));
        assertEquals(invite, call.callerRequest(1, audio(4000)));
        JsonNode streams = relay.sessions().get(0).get("streams");
        assertEquals(1, streams.size());
        assertEquals("active", streams.get(0).get("status").asText());
    }

    @Test
    void changedAnswerForTheSameCseqKeepsTheRelayPorts() {
        // Behaviour 59 (updatetest1): 183 with port A, then 200 with port B.
        start();
        Call call = relay.call("c59");
        call.callerInvite(1, audio(4000));
        String early = call.calleeReply(1, audio(5000));
        String fin = call.calleeReply(1, audio(5008));
        assertEquals(early, fin);
        assertEquals(1, relay.sessions().get(0).get("streams").size());
    }

    @Test
    void streamDroppedByAReinviteIsClosedAfterTheAnswer() throws IOException {
        // Behaviour 60 (updatetest2).
        start();
        Call call = relay.call("c60");
        String video = ",video:127.0.0.1:5002:sendrecv:ice=no";
        List<Integer> invite = ports(call.callerInvite(1, audio(4000) + ",video:127.0.0.1:4002:sendrecv:ice=no"));
        call.calleeReply(1, audio(5000) + video);
        List<Integer> reinvite = ports(call.calleeRequest(1, audio(5000)));
        assertEquals(1, relay.summary().get("stream_count").get("video").asInt());
        call.callerReply(1, audio(4000));
        assertEquals(relay.portBase, reinvite.get(0));
        JsonNode streams = relay.sessions().get(0).get("streams");
        assertEquals("active", streams.get(0).get("status").asText());
        assertEquals("closed", streams.get(1).get("status").asText());
        assertFalse(relay.summary().get("stream_count").has("video"));
        assertBindable(invite.get(1));
        assertBindable(invite.get(1) - 2);
    }

    @Test
    void retainedStreamsKeepTheirPortsAcrossOffers() {
        // Behaviour 61 (updatetest3): video; video + 2 audio; the second audio only.
        start();
        Call call = relay.call("c61");
        String video = "video:127.0.0.1:4002:sendrecv:ice=no";
        List<Integer> first = ports(call.callerInvite(1, video));
        call.calleeReply(1, "video:127.0.0.1:5002:sendrecv:ice=no");
        List<Integer> second = ports(call.callerRequest(2, video + "," + audio(4000) + "," + audio(4010)));
        call.calleeReply(2, "video:127.0.0.1:5002:sendrecv:ice=no," + audio(5000) + "," + audio(5010));
        assertEquals(first.get(0), second.get(0));
        List<Integer> third = ports(call.callerRequest(3, audio(4010)));
        call.calleeReply(3, audio(5010));
        assertEquals(second.get(2), third.get(0));
        JsonNode streams = relay.sessions().get(0).get("streams");
        assertEquals(List.of("closed", "closed", "active"), List.of(streams.get(0).get("status").asText(),
                streams.get(1).get("status").asText(), streams.get(2).get("status").asText()));
        assertEquals(1, relay.summary().get("stream_count").size());
    }

    @Test
    void changedPortInAReinviteCreatesANewStream() {
        // Behaviour 62 (updatetest4) and 64: the callee's re-INVITE is found through to_tag.
        start();
        Call call = relay.call("c62");
        call.callerInvite(1, audio(4000));
        call.calleeReply(1, audio(5000));
        assertEquals(List.of(relay.portBase + 4), ports(call.calleeRequest(1, audio(5020))));
        assertEquals(List.of(relay.portBase + 6), ports(call.callerReply(1, audio(4000))));
        JsonNode streams = relay.sessions().get(0).get("streams");
        assertEquals("closed", streams.get(0).get("status").asText());
        assertEquals("active", streams.get(1).get("status").asText());
        assertEquals(1, relay.sessions().size());
    }

    @Test
    void calleeReinviteWithUnchangedSdpKeepsTheStream() {
        // Behaviour 64: From = callee tag, To = caller tag; the SDP is the callee's.
        start();
        Call call = relay.call("c64");
        call.callerInvite(1, audio(4000));
        call.calleeReply(1, audio(5000));
        assertEquals(List.of(relay.portBase), ports(call.calleeRequest(7, audio(5000))));
        assertEquals(List.of(relay.portBase + 2), ports(call.callerReply(7, audio(4000))));
        assertEquals(1, relay.sessions().get(0).get("streams").size());
    }

    @Test
    void olderCseqChangesNothingAndIsAnsweredFromItsOffer() {
        // Behaviour 63.
        start();
        Call call = relay.call("c63");
        String invite = call.callerInvite(1, audio(4000));
        call.calleeReply(1, audio(5000));
        call.callerRequest(2, audio(4000) + ",video:127.0.0.1:4002:sendrecv:ice=no");
        call.calleeReply(2, audio(5000) + ",video:127.0.0.1:5002:sendrecv:ice=no");
        assertEquals(invite, call.callerInvite(1, audio(4444)));
        assertEquals(2, relay.sessions().get(0).get("streams").size());
        assertEquals("active", relay.stream(0).get("status").asText());
    }

    @Test
    void usernameFromJsonSignalingIpIsRecorded() {
        // Behaviour 66.
        start();
        Call call = relay.call("c66");
        call.signalingIp = "{\"signaling_ip\": \"127.0.0.1\", \"destination_ip\": \"127.0.0.1\", "
                + "\"username\": \"100@pbx.example.net\"}";
        call.callerInvite(1, audio(4000));
        assertEquals("100@pbx.example.net", relay.sessions().get(0).get("username").asText());
    }

    @Test
    void autoDetectedInterfaceIsBoundAndAnswered() throws Exception {
        // Behaviour 65 with auto_detect_interfaces: both sides bind the address routing to 127.0.0.1.
        RelayHarness.Options options = new RelayHarness.Options();
        options.autoDetect = true;
        options.relayIp = InetAddress.getByName("198.18.0.1");
        start(options);
        Call call = relay.call("c65");
        call.signalingIp = "127.0.0.1_127.0.0.1";
        assertEquals("127.0.0.1 " + (relay.portBase + 2), call.callerInvite(1, audio(4000)));
        assertEquals("198.18.0.1", relay.summary().get("ip").asText());
    }

    @Test
    void removeFindsTheSessionByEitherTag() {
        // Behaviour 67.
        start();
        Call call = relay.call("c67");
        call.callerInvite(1, audio(4000));
        call.calleeReply(1, audio(5000));
        String record = relay.execute("remove",
                Map.of("call_id", call.callId, "from_tag", call.calleeTag, "to_tag", call.callerTag));
        JsonNode parsed = PythonJson.parse(record);
        assertEquals(call.callId, parsed.get("call_id").asText());
        assertEquals("closed", parsed.get("streams").get(0).get("status").asText());
        assertEquals("[]", relay.execute("sessions", Map.of()));
        assertEquals(0, relay.manager.sessionCount(RelayHarness.DISPATCHER));
    }

    @Test
    void removeOfAnUnknownSessionIsAnError() {
        // Behaviour 68.
        start();
        assertEquals("error", relay.execute("remove", Map.of("call_id", "nope", "from_tag", "x")));
    }

    @Test
    void ipv6MediaIsAnError() {
        // Behaviour 69.
        start();
        assertEquals("error", relay.call("c69").callerInvite(1, "audio:2001:db8::1:4000:sendrecv:ice=no"));
        assertEquals("[]", relay.execute("sessions", Map.of()));
    }

    @Test
    void malformedCommandsAreErrors() {
        // Behaviours 22-25: missing user_agent, cseq not an integer, bad type, missing signaling_ip.
        start();
        Call call = relay.call("cbad");
        Map<String, String> base = call.headers("request", 1, call.callerTag, null, "UA", audio(4000));
        for (String header : List.of("user_agent", "signaling_ip", "call_id", "from_uri")) {
            Map<String, String> headers = new java.util.LinkedHashMap<>(base);
            headers.remove(header);
            assertEquals("error", call.update(headers), header);
        }
        for (Map.Entry<String, String> bad : List.of(Map.entry("cseq", "abc"), Map.entry("type", "foo"),
                Map.entry("signaling_ip", "12"), Map.entry("media", "audio:127.0.0.1:x:sendrecv"),
                Map.entry("media", "audio:127.0.0.1:4000:sendrecv:ice"))) {
            Map<String, String> headers = new java.util.LinkedHashMap<>(base);
            headers.put(bad.getKey(), bad.getValue());
            assertEquals("error", call.update(headers), bad.toString());
        }
        assertEquals("error", relay.execute("frobnicate", Map.of()));
        assertEquals("error", relay.execute("remove", Map.of("call_id", "x")));
        assertEquals("[]", relay.execute("sessions", Map.of()));
    }

    @Test
    void dispatcherSessionCountsFollowCreationAndRemoval() {
        start();
        relay.manager.execute("update", relay.call("d1").headers("request", 1, "t1", null, "UA", audio(4000)), "a");
        relay.manager.execute("update", relay.call("d2").headers("request", 1, "t2", null, "UA", audio(4000)), "a");
        relay.manager.execute("update", relay.call("d3").headers("request", 1, "t3", null, "UA", audio(4000)), "b");
        assertEquals(2, relay.manager.sessionCount("a"));
        assertEquals(1, relay.manager.sessionCount("b"));
        relay.execute("remove", Map.of("call_id", "d1", "from_tag", "t1"));
        assertEquals(1, relay.manager.sessionCount("a"));
        assertNotEquals(0, relay.manager.sessionCount("b"));
    }

    @Test
    void haltRefusesNewSessionsAndReportsIdleAfterTheLast() {
        // Behaviour 116/117, relay side.
        start();
        Call call = relay.call("h1");
        call.callerInvite(1, audio(4000));
        relay.manager.halt();
        assertEquals("halting", relay.summary().get("status").asText());
        assertEquals("halting", relay.call("h2").callerInvite(1, audio(4000)));
        assertEquals(List.of(relay.portBase), ports(call.calleeReply(1, audio(5000))));
        assertEquals(0, relay.listener.idleCalls());
        call.remove();
        assertEquals(1, relay.listener.idleCalls());
        assertTrue(relay.manager.isIdle());
    }

    @Test
    void haltWithoutSessionsIsIdleAtOnce() {
        start();
        relay.manager.halt();
        assertEquals(1, relay.listener.idleCalls());
    }

    @Test
    void expireAllReportsEverySession() {
        // Behaviour 118, relay side.
        start();
        relay.call("e1").callerInvite(1, audio(4000));
        relay.call("e2").callerInvite(1, audio(4002));
        relay.manager.expireAll();
        assertEquals(2, relay.listener.expired().size());
        assertEquals(RelayHarness.DISPATCHER, relay.listener.expired().get(0).dispatcher());
        assertTrue(relay.manager.isIdle());
        assertEquals("halting", relay.call("e3").callerInvite(1, audio(4000)));
    }

    private static void assertBound(int port) {
        assertThrows(BindException.class,
                () -> new DatagramSocket(new InetSocketAddress(RelayHarness.LOOPBACK, port)).close());
    }

    private static void assertBindable(int port) throws IOException {
        new DatagramSocket(new InetSocketAddress(RelayHarness.LOOPBACK, port)).close();
    }
}
