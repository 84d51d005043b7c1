package org.mediaproxy.relay.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.mediaproxy.relay.session.MediaCall.SHORT;
import static org.mediaproxy.relay.session.MediaCall.WAIT;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Latching and user-space forwarding through real UDP sockets (catalogue section E). */
class PacketRelayingTest {

    private RelayHarness relay;

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    private RelayHarness start(List<Cidr> routable, int transmitEvery) {
        RelayHarness.Options options = new RelayHarness.Options();
        options.routable = routable;
        options.transmitEvery = transmitEvery;
        relay = new RelayHarness(options);
        return relay;
    }

    @Test
    void rtpGoesToARoutableSdpAddressFromTheOtherSidesPort() throws Exception {
        // Behaviours 70 and 72: the callee's 127.0.0.1 counts as routable through routable_private_ranges.
        start(List.of(Cidr.parse("127.0.0.1/32")), 1);
        try (MediaCall media = new MediaCall(relay, "p70")) {
            byte[] packet = Endpoint.rtp(0, 7, 160);
            media.callerRtp(packet);
            Endpoint.Received received = media.callee.receive(WAIT);
            assertNotNull(received);
            assertArrayEquals(packet, received.data());
            assertEquals(media.calleeSidePort, received.source().getPort());
        }
    }

    @Test
    void rtpToAPrivateSdpAddressWaitsForTheCalleesFirstPacket() throws Exception {
        // Behaviour 71: 127.0.0.1 is not routable without routable_private_ranges.
        start(List.of(), 1);
        try (MediaCall media = new MediaCall(relay, "p71")) {
            media.callerRtp(Endpoint.rtp(0, 1, 160));
            assertNull(media.callee.receive(SHORT));
            media.calleeRtp(Endpoint.rtp(8, 1, 160));
            Endpoint.Received toCaller = media.caller.receive(WAIT);
            assertNotNull(toCaller);
            assertEquals(media.callerSidePort, toCaller.source().getPort());
            media.callerRtp(Endpoint.rtp(0, 2, 160));
            assertNotNull(media.callee.receive(WAIT));
        }
    }

    @Test
    void onlyTheFirstSourceIsAccepted() throws Exception {
        // Behaviour 73.
        start(List.of(Cidr.parse("127.0.0.0/8")), 1);
        try (MediaCall media = new MediaCall(relay, "p73"); Endpoint intruder = new Endpoint()) {
            media.exchangeRtp();
            intruder.send(Endpoint.rtp(0, 99, 160), media.callerSidePort);
            assertNull(media.callee.receive(SHORT));
            media.callerRtp(Endpoint.rtp(0, 2, 160));
            assertNotNull(media.callee.receive(WAIT));
            assertEquals("127.0.0.1:" + media.caller.port(), relay.stream(0).get("caller_remote").asText());
        }
    }

    @Test
    void stunIsQueuedUntilADestinationIsKnownWhileRtpIsDropped() throws Exception {
        // Behaviour 74.
        start(List.of(), 1);
        try (MediaCall media = new MediaCall(relay, "p74")) {
            byte[] first = Endpoint.stunBindingRequest(1);
            byte[] second = Endpoint.stunBindingRequest(2);
            media.callerRtp(first);
            media.callerRtp(Endpoint.rtp(0, 1, 160));
            media.callerRtp(second);
            assertNull(media.callee.receive(SHORT));
            media.calleeRtp(Endpoint.rtp(8, 1, 160));
            assertArrayEquals(first, media.callee.receive(WAIT).data());
            assertArrayEquals(second, media.callee.receive(WAIT).data());
            assertNull(media.callee.receive(SHORT));
            assertNotNull(media.caller.receive(WAIT));
            JsonNode stream = relay.stream(0);
            assertEquals(2, stream.get("caller_packets").asInt());
            assertEquals(2 * (20 + 28), stream.get("caller_bytes").asInt());
        }
    }

    @Test
    void rtcpIsNeverSentToAnSdpAddress() throws Exception {
        // Behaviour 76.
        start(List.of(Cidr.parse("127.0.0.0/8")), 1);
        try (MediaCall media = new MediaCall(relay, "p76"); Endpoint calleeRtcp = new Endpoint()) {
            media.callerRtcp(Endpoint.rtcp());
            assertNull(media.callee.receive(SHORT));
            // The caller's RTCP source is latched, so the callee's RTCP reaches it.
            calleeRtcp.send(Endpoint.rtcp(), media.calleeSidePort + 1);
            assertNotNull(media.caller.receive(WAIT));
            media.callerRtcp(Endpoint.rtcp());
            Endpoint.Received received = calleeRtcp.receive(WAIT);
            assertNotNull(received);
            assertEquals(media.calleeSidePort + 1, received.source().getPort());
        }
    }

    @Test
    void codecComesFromTheFirstRtpPayloadType() throws Exception {
        // Behaviour 77.
        start(List.of(Cidr.parse("127.0.0.0/8")), 1);
        try (MediaCall first = new MediaCall(relay, "p77a"); MediaCall second = new MediaCall(relay, "p77b")) {
            first.callerRtp(Endpoint.rtp(8, 1, 160));
            first.calleeRtp(Endpoint.rtp(111, 1, 160));
            second.callerRtp(Endpoint.rtp(13, 1, 1));
            first.callerRtp(Endpoint.rtp(0, 2, 160));
            assertNotNull(first.caller.receive(WAIT));
            relay.eventually(() -> {
                JsonNode all = relay.sessions();
                JsonNode a = all.get(0).get("streams").get(0);
                return !"Unknown".equals(a.get("caller_codec").asText()) && !"Unknown".equals(a.get("callee_codec").asText())
                        && !"Unknown".equals(all.get(1).get("streams").get(0).get("caller_codec").asText());
            });
            JsonNode sessions = relay.sessions();
            JsonNode stream = sessions.get(0).get("streams").get(0);
            assertEquals("G711a", stream.get("caller_codec").asText());
            assertEquals("Dynamic(111)", stream.get("callee_codec").asText());
            assertEquals("Unknown(13)", sessions.get(1).get("streams").get(0).get("caller_codec").asText());
            assertEquals("Unknown", sessions.get(1).get("streams").get(0).get("callee_codec").asText());
        }
    }

    @Test
    void everyNthPacketIsForwardedInUserSpace() throws Exception {
        // Behaviour 78.
        start(List.of(Cidr.parse("127.0.0.0/8")), 2);
        try (MediaCall media = new MediaCall(relay, "p78")) {
            for (int sequence = 1; sequence <= 6; sequence++) {
                media.callerRtp(Endpoint.rtp(0, sequence, 160));
            }
            List<Integer> received = new ArrayList<>();
            Endpoint.Received packet;
            while ((packet = media.callee.receive(received.isEmpty() ? WAIT : SHORT)) != null) {
                received.add(packet.data()[3] & 0xFF);
            }
            assertEquals(List.of(1, 3, 5), received);
            assertEquals(3, relay.stream(0).get("caller_packets").asInt());
        }
    }

    @Test
    void afterAResetThePreviousSourceIsIgnored() throws Exception {
        // Behaviour 79: the callee answered again with another port.
        start(List.of(Cidr.parse("127.0.0.0/8")), 1);
        try (MediaCall media = new MediaCall(relay, "p79"); Endpoint moved = new Endpoint()) {
            media.exchangeRtp();
            media.call.calleeReply(1, MediaCall.line(moved, "sendrecv:ice=no"));
            media.calleeRtp(Endpoint.rtp(8, 2, 160));
            assertNull(media.caller.receive(SHORT));
            moved.send(Endpoint.rtp(8, 3, 160), media.calleeSidePort);
            Endpoint.Received received = media.caller.receive(WAIT);
            assertNotNull(received);
            assertEquals(3, received.data()[3]);
            media.callerRtp(Endpoint.rtp(0, 4, 160));
            assertNotNull(moved.receive(WAIT));
            media.calleeRtp(Endpoint.rtp(8, 4, 160));
            assertNull(media.caller.receive(SHORT));
            assertEquals("127.0.0.1:" + moved.port(), relay.stream(0).get("callee_remote").asText());
        }
    }
}
