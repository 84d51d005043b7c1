package org.mediaproxy.relay.forwarding.userspace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mediaproxy.common.json.PythonJson;
import org.mediaproxy.relay.session.Cidr;
import org.mediaproxy.relay.session.Endpoint;
import org.mediaproxy.relay.session.RecordingListener;
import org.mediaproxy.relay.session.RelayHarness;
import org.mediaproxy.relay.session.RelaySettings;
import org.mediaproxy.relay.session.SessionManager;

/**
 * The relay as the links will use it, with real time and real UDP on 127.0.0.1: calls set up
 * through {@link SessionManager#execute}, endpoints exchanging RTP and RTCP through the relay
 * ports, counters checked in the {@code sessions} and {@code remove} answers.
 */
class UserspaceEngineTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration WAIT = Duration.ofSeconds(2);
    private static final String DISPATCHER = "198.18.0.1:25060";

    private UserspaceEngine engine;
    private ScheduledExecutorService timers;
    private SessionManager manager;
    private int base;
    private final List<Endpoint> endpoints = new ArrayList<>();

    @BeforeEach
    void start() {
        base = RelayHarness.freePortRange(200);
        RelaySettings settings = new RelaySettings(LOOPBACK, Optional.empty(), false, base, base + 200,
                Duration.ofSeconds(90), Duration.ofSeconds(7200), Duration.ofSeconds(15), 1,
                List.of(Cidr.parse("127.0.0.0/8")), "4.1.2");
        engine = new UserspaceEngine(2);
        timers = Executors.newSingleThreadScheduledExecutor();
        manager = new SessionManager(settings, engine, Clock.systemUTC(), timers, new RecordingListener());
    }

    @AfterEach
    void stop() throws IOException {
        manager.expireAll();
        engine.close();
        timers.shutdownNow();
        for (Endpoint endpoint : endpoints) {
            endpoint.close();
        }
    }

    /** A call between two new endpoints; returns {caller endpoint, callee endpoint, caller-side port, callee-side port}. */
    private Object[] call(String callId) throws IOException {
        Endpoint caller = new Endpoint();
        Endpoint callee = new Endpoint();
        endpoints.add(caller);
        endpoints.add(callee);
        String invite = manager.execute("update", headers(callId, "request", null, "Caller/1.0",
                "audio:127.0.0.1:" + caller.port() + ":sendrecv:ice=no"), DISPATCHER);
        String ok = manager.execute("update", headers(callId, "reply", "callee-tag", "Callee/1.0",
                "audio:127.0.0.1:" + callee.port() + ":sendrecv:ice=no"), DISPATCHER);
        assertTrue(invite.startsWith("127.0.0.1 "), invite);
        return new Object[] {caller, callee, Integer.parseInt(ok.split(" ")[1]), Integer.parseInt(invite.split(" ")[1])};
    }

    private static Map<String, String> headers(String callId, String type, String toTag, String ua, String media) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("type", type);
        headers.put("call_id", callId);
        headers.put("cseq", "1");
        headers.put("from_uri", "sip:alice@example.com");
        headers.put("to_uri", "sip:bob@example.com");
        headers.put("from_tag", "caller-tag");
        if (toTag != null) {
            headers.put("to_tag", toTag);
        }
        headers.put("user_agent", ua);
        headers.put("signaling_ip", "127.0.0.1");
        headers.put("media", media);
        return headers;
    }

    private static void relayed(Endpoint receiver, byte[] sent, int fromPort) throws IOException {
        Endpoint.Received received = receiver.receive(WAIT);
        assertNotNull(received, "datagram not relayed");
        assertArrayEquals(sent, received.data());
        assertEquals(fromPort, received.source().getPort());
        assertEquals(LOOPBACK, received.source().getAddress());
    }

    @Test
    void rtpAndRtcpBothWaysWithIpLevelCounters() throws Exception {
        Object[] call = call("u1@127.0.0.1");
        Endpoint caller = (Endpoint) call[0];
        Endpoint callee = (Endpoint) call[1];
        int callerSide = (Integer) call[2];
        int calleeSide = (Integer) call[3];
        assertEquals(base, callerSide);
        assertEquals(base + 2, calleeSide);

        for (int i = 0; i < 20; i++) {
            byte[] rtp = Endpoint.rtp(0, i, 160);
            caller.send(rtp, callerSide);
            relayed(callee, rtp, calleeSide);
        }
        for (int i = 0; i < 15; i++) {
            byte[] rtp = Endpoint.rtp(8, i, 80);
            callee.send(rtp, calleeSide);
            relayed(caller, rtp, callerSide);
        }
        // RTCP needs both peers learned: the callee's first report waits for the caller's.
        byte[] report = Endpoint.rtcp();
        callee.send(report, calleeSide + 1);
        assertEquals(null, caller.receive(Duration.ofMillis(200)));
        for (int i = 0; i < 3; i++) {
            caller.send(report, callerSide + 1);
            relayed(callee, report, calleeSide + 1);
            callee.send(report, calleeSide + 1);
            relayed(caller, report, callerSide + 1);
        }

        JsonNode stream = PythonJson.parse(manager.execute("sessions", Map.of(), DISPATCHER)).get(0)
                .get("streams").get(0);
        assertEquals(20 + 3, stream.get("caller_packets").asLong());
        assertEquals(20 * (172 + 28) + 3 * (8 + 28), stream.get("caller_bytes").asLong());
        assertEquals(15 + 3, stream.get("callee_packets").asLong());
        assertEquals(15 * (92 + 28) + 3 * (8 + 28), stream.get("callee_bytes").asLong());
        assertEquals("G711u", stream.get("caller_codec").asText());
        assertEquals("G711a", stream.get("callee_codec").asText());
        assertEquals("127.0.0.1:" + caller.port(), stream.get("caller_remote").asText());
        assertEquals("127.0.0.1:" + callee.port(), stream.get("callee_remote").asText());
        assertEquals("127.0.0.1:" + callerSide, stream.get("caller_local").asText());
        assertTrue(stream.get("post_dial_delay").isDouble());

        String removed = manager.execute("remove", Map.of("call_id", "u1@127.0.0.1", "from_tag", "caller-tag"),
                DISPATCHER);
        JsonNode record = PythonJson.parse(removed);
        assertEquals("callee-tag", record.get("to_tag").asText());
        JsonNode closed = record.get("streams").get(0);
        assertEquals("closed", closed.get("status").asText());
        assertEquals(stream.get("caller_bytes"), closed.get("caller_bytes"));
        assertEquals(stream.get("callee_bytes"), closed.get("callee_bytes"));
        for (int port = base; port < base + 4; port++) {
            new DatagramSocket(new InetSocketAddress(LOOPBACK, port)).close();
        }
        assertEquals(0, manager.sessionCount(DISPATCHER));
    }

    @Test
    void manyConcurrentStreamsRelayEveryPacket() throws Exception {
        int calls = 24;
        int packets = 200;
        List<Object[]> all = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            all.add(call("many" + i));
        }
        long began = System.nanoTime();
        for (int burst = 0; burst < packets; burst += 50) {
            for (Object[] call : all) {
                for (int i = burst; i < burst + 50; i++) {
                    ((Endpoint) call[0]).send(Endpoint.rtp(0, i, 160), (Integer) call[2]);
                    ((Endpoint) call[1]).send(Endpoint.rtp(8, i, 160), (Integer) call[3]);
                }
            }
            for (Object[] call : all) {
                for (int i = burst; i < burst + 50; i++) {
                    assertNotNull(((Endpoint) call[1]).receive(WAIT), "caller packet " + i);
                    assertNotNull(((Endpoint) call[0]).receive(WAIT), "callee packet " + i);
                }
            }
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        JsonNode sessions = PythonJson.parse(manager.execute("sessions", Map.of(), DISPATCHER));
        assertEquals(calls, sessions.size());
        for (JsonNode session : sessions) {
            JsonNode stream = session.get("streams").get(0);
            assertEquals(packets, stream.get("caller_packets").asInt());
            assertEquals(packets, stream.get("callee_packets").asInt());
        }
        JsonNode summary = PythonJson.parse(manager.execute("summary", Map.of(), DISPATCHER));
        assertEquals(calls, summary.get("stream_count").get("audio").asInt());
        System.out.printf("relayed %d packets in %.3f s including the test's own sockets (%.0f packets/s)%n",
                2L * calls * packets, seconds, 2L * calls * packets / seconds);
    }
}
