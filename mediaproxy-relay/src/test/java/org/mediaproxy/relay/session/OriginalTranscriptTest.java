package org.mediaproxy.relay.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mediaproxy.common.json.PythonJson;
import org.mediaproxy.relay.forwarding.Party;
import org.mediaproxy.relay.forwarding.RecordingEngine;
import org.mediaproxy.relay.forwarding.SubstreamForwarding;
import org.mediaproxy.relay.forwarding.SubstreamKind;
import org.mediaproxy.relay.forwarding.TrafficCounters;

/**
 * Replays the dispatcher's commands of a capture of the original relay 4.1.2 (two calls, kernel
 * forwarding) and checks that this relay answers with the same bytes: ports, summary, sessions,
 * the remove record and the expired record. The kernel is played by {@link RecordingEngine}, fed
 * with the counters conntrack reported in the capture; the clock is set to the capture's times.
 */
class OriginalTranscriptTest {

    private static final String FIXTURES = "/fixtures/original-4.1.2/";
    private static final long RTP_PCMU = 0x8000_0001_0000_00A0L;
    private static final long RTP_PCMA = 0x8008_0001_0000_00A0L;
    private static final long RTCP = 0x80C9_0001_0000_0001L;

    /** Commands the relay received and payloads it answered, by sequence number. */
    private static final Map<Integer, String> COMMANDS = new HashMap<>();
    private static final Map<Integer, String> ANSWERS = new HashMap<>();
    private static final Map<String, String> UNSOLICITED = new HashMap<>();

    private final RecordingEngine engine = new RecordingEngine();
    private RelayHarness relay;

    @BeforeAll
    static void readTranscript() throws IOException {
        List<String> lines = resource("wire-transcript.txt").lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            boolean received = line.contains("relay      RelayClientProtocol        <==");
            boolean sent = line.contains("relay      RelayClientProtocol        ==>");
            if (!received && !sent) {
                continue;
            }
            String repr = lines.subList(i, lines.size()).stream().filter(l -> l.startsWith("        | (repr) '"))
                    .findFirst().orElseThrow();
            String bytes = repr.substring(repr.indexOf('\'') + 1, repr.lastIndexOf('\'')).replace("\\r\\n", "\n");
            String first = bytes.substring(0, bytes.indexOf('\n'));
            String[] parts = first.split(" ", 2);
            if (received && parts.length == 2) {
                COMMANDS.put(Integer.parseInt(parts[1]), bytes);
            } else if (sent && parts[0].matches("\\d+")) {
                ANSWERS.put(Integer.parseInt(parts[0]), parts[1]);
            } else if (sent) {
                UNSOLICITED.put(parts[0], first);
            }
        }
        assertEquals(16, ANSWERS.size());
        assertEquals(16, COMMANDS.size());
        assertEquals(Set.of("ping", "expired"), UNSOLICITED.keySet());
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    /** Executes command {@code seq} of the capture at {@code time} and checks the answer. */
    private void replay(int seq, String time) {
        relay.clock.set(Instant.parse(time));
        String[] lines = COMMANDS.get(seq).split("\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(": ");
            headers.put(lines[i].substring(0, colon), lines[i].substring(colon + 2));
        }
        String command = lines[0].split(" ")[0];
        assertEquals(ANSWERS.get(seq), relay.execute(command, headers), command + " " + seq);
    }

    private void media(RecordingEngine.Sockets sockets, String time, int callerPort, int calleePort) {
        relay.clock.set(Instant.parse(time));
        SubstreamForwarding rtp = sockets.stream.substream(SubstreamKind.RTP);
        SubstreamForwarding rtcp = sockets.stream.substream(SubstreamKind.RTCP);
        rtp.receive(Party.CALLER, address("198.18.1.2", callerPort), 172, RTP_PCMU);
        rtp.receive(Party.CALLEE, address("198.18.2.2", calleePort), 172, RTP_PCMA);
        rtcp.receive(Party.CALLER, address("198.18.1.2", callerPort + 1), 8, RTCP);
        rtcp.receive(Party.CALLEE, address("198.18.2.2", calleePort + 1), 8, RTCP);
        relay.timers.runDue();
    }

    @Test
    void callEndedByByeAnswersLikeTheOriginal() throws Exception {
        start("2026-11-25T14:56:40.700Z");
        replay(0, "2026-11-25T14:56:40.710Z");
        // Instants chosen so that the doubles match the capture's time.time() values.
        replay(1, "2026-11-25T14:56:41.590000000Z");
        RecordingEngine.Sockets sockets = engine.opened().get(0);
        media(sockets, "2026-11-25T14:56:41.597898126Z", 4000, 5000);
        replay(2, "2026-11-25T14:56:41.600221515Z");
        sockets.kernelCounted(SubstreamKind.RTP, new TrafficCounters(59, 11800, 59, 11800));
        sockets.kernelCounted(SubstreamKind.RTCP, new TrafficCounters(59, 2124, 59, 2124));
        replay(3, "2026-11-25T14:56:42.100Z");
        replay(4, "2026-11-25T14:56:42.700Z");
        assertEquals(fixtureLine(3), relay.execute("sessions", Map.of()));
        replay(5, "2026-11-25T14:56:42.700Z");
        assertEquals("[]", relay.execute("sessions", Map.of()));
    }

    @Test
    void warmUpCallLeavesNoTraceSoTheFirstRealCallGetsTheOriginalsPorts() throws Exception {
        start("2026-11-25T14:56:40.700Z");
        relay.manager.warmUp();
        assertEquals("[]", relay.execute("sessions", Map.of()));
        assertTrue(relay.listener.expired().isEmpty(), "the warm-up call is removed, not expired");
        replay(0, "2026-11-25T14:56:40.710Z");
        replay(1, "2026-11-25T14:56:41.590000000Z");
    }

    @Test
    void summaryMatchesTheManagementCapture() throws Exception {
        start("2026-11-25T14:56:40.700Z");
        replay(1, "2026-11-25T14:56:41.590000000Z");
        relay.clock.set(Instant.parse("2026-11-25T14:56:42.100Z"));
        JsonNode summaries = PythonJson.parse(fixtureLine(2));
        assertEquals(PythonJson.write(summaries.get(0)), relay.execute("summary", Map.of()));
    }

    @Test
    void recordStoredByAccountingIsTheRemoveAnswerPlusTheDispatchersKeys() throws Exception {
        start("2026-11-25T14:56:40.700Z");
        replay(1, "2026-11-25T14:56:41.590000000Z");
        RecordingEngine.Sockets sockets = engine.opened().get(0);
        media(sockets, "2026-11-25T14:56:41.597898126Z", 4000, 5000);
        replay(2, "2026-11-25T14:56:41.600221515Z");
        sockets.kernelCounted(SubstreamKind.RTP, new TrafficCounters(59, 11800, 59, 11800));
        sockets.kernelCounted(SubstreamKind.RTCP, new TrafficCounters(59, 2124, 59, 2124));
        replay(5, "2026-11-25T14:56:42.700Z");
        ObjectNode enriched = (ObjectNode) PythonJson.parse(ANSWERS.get(5));
        enriched.put("dialog_id", "309478715165");
        enriched.put("timed_out", false);
        JsonNode stored = PythonJson.parse(resource("call1-accounting.json")).get(0).get("info");
        assertEquals(stored, enriched);
    }

    @Test
    void callEndedByConntrackTimeoutIsReportedLikeTheOriginal() throws Exception {
        start("2026-11-25T14:56:40.700Z");
        relay.call("earlier").callerInvite(1, "audio:198.18.1.2:3000:sendrecv:ice=no");
        relay.call("earlier").remove();
        replay(6, "2026-11-25T14:56:43.850000000Z");
        RecordingEngine.Sockets sockets = engine.opened().get(1);
        media(sockets, "2026-11-25T14:56:43.861090541Z", 4010, 5010);
        replay(7, "2026-11-25T14:56:43.866132617Z");
        sockets.kernelCounted(SubstreamKind.RTP, new TrafficCounters(39, 7800, 39, 7800));
        relay.clock.set(Instant.parse("2026-11-25T14:56:55.100Z"));
        sockets.kernelExpired(SubstreamKind.RTP, 10);
        relay.timers.runDue();
        List<RecordingListener.Expiry> expired = relay.listener.expired();
        assertEquals(1, expired.size());
        assertEquals(UNSOLICITED.get("expired"), "expired " + expired.get(0).json());
        ObjectNode enriched = (ObjectNode) PythonJson.parse(expired.get(0).json());
        enriched.put("timed_out", true);
        enriched.put("dialog_id", "387548970165");
        enriched.put("all_streams_ice", false);
        assertEquals(PythonJson.parse(resource("call2-expired-accounting.json")).get(0).get("info"), enriched);
    }

    private void start(String startTime) throws Exception {
        RelayHarness.Options options = new RelayHarness.Options();
        options.engine = () -> engine;
        options.relayIp = InetAddress.getByName("198.18.0.1");
        options.portBase = 40000;
        options.advertisedIp = Optional.empty();
        options.start = Instant.parse(startTime);
        relay = new RelayHarness(options);
    }

    private static String fixtureLine(int number) throws IOException {
        return resource("call1-management.jsonl").lines().skip(number - 1).findFirst().orElseThrow();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = OriginalTranscriptTest.class.getResourceAsStream(FIXTURES + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
