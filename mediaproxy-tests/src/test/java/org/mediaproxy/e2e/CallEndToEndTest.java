package org.mediaproxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.mediaproxy.testkit.OpenSipsClient;
import org.mediaproxy.testkit.SipDialog;
import org.mediaproxy.testkit.SipDialog.Media;

/**
 * Calls through the real daemons started from {@code bin/}: the OpenSIPS protocol on the UNIX
 * socket, real RTP/RTCP through the relay's UDP ports, the management view and the accounting row.
 */
class CallEndToEndTest {

    /** IP-level size of the testkit's RTP packets (12 + 160 payload + 8 UDP + 20 IPv4) and RTCP ones. */
    private static final int RTP_BYTES = 200;
    private static final int RTCP_BYTES = 60;

    /** Kept when a test fails: the daemons' logs and configuration are in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path base;

    private RunningMediaProxy proxy;

    @AfterEach
    void stop() throws InterruptedException {
        if (proxy != null) {
            proxy.close();
        }
    }

    private static SipDialog dialog(String name) {
        return new SipDialog(name + "-" + System.nanoTime() + "@127.0.0.1", "from-" + name, "to-" + name, "2959232491322");
    }

    private static JsonNode session(JsonNode sessions, String callId) {
        for (JsonNode session : sessions) {
            if (session.path("call_id").asText().equals(callId)) {
                return session;
            }
        }
        throw new AssertionError("no session " + callId + " in " + sessions);
    }

    @Test
    void audioAndVideoFlowBothWaysAndTheRecordIsAccounted() throws Exception {
        proxy = RunningMediaProxy.start(base, Map.of());
        SipDialog call = dialog("av");
        try (OpenSipsClient opensips = proxy.opensips();
                MediaParty caller = MediaParty.withStreams(2);
                MediaParty callee = MediaParty.withStreams(2)) {
            String offer = opensips.send(call.offer(1, "127.0.0.1", List.of(caller.audio(0), caller.video(1))));
            String answer = opensips.send(call.answer(1, "127.0.0.1", List.of(callee.audio(0), callee.video(1))));
            assertTrue(offer.matches("127\\.0\\.0\\.1 \\d+ \\d+"), offer);
            assertTrue(answer.matches("127\\.0\\.0\\.1 \\d+ \\d+"), answer);
            for (int stream = 0; stream < 2; stream++) {
                // RTCP is only relayed to a learned peer (behaviour 76): the callee's first report
                // teaches the relay its address and is dropped, as the caller's is not known yet.
                callee.rtcp.get(stream).sendRtcp(rtcp(Replies.stream(offer, stream)));
            }
            Thread.sleep(100);
            for (int stream = 0; stream < 2; stream++) {
                caller.send(stream, Replies.stream(answer, stream), 50, stream == 0 ? 0 : 96);
                callee.send(stream, Replies.stream(offer, stream), 50, stream == 0 ? 8 : 96);
            }
            Thread.sleep(300);
            for (int stream = 0; stream < 2; stream++) {
                assertEquals(50, callee.rtp.get(stream).received(), "callee RTP on stream " + stream);
                assertEquals(50, caller.rtp.get(stream).received(), "caller RTP on stream " + stream);
                assertEquals(5, callee.rtcp.get(stream).received(), "callee RTCP on stream " + stream);
                assertEquals(5, caller.rtcp.get(stream).received(), "caller RTCP on stream " + stream);
                // the relay sends from the port it told the other side about
                assertEquals(java.util.Set.of(Replies.stream(offer, stream)), callee.rtp.get(stream).sources());
                assertEquals(java.util.Set.of(Replies.stream(answer, stream)), caller.rtp.get(stream).sources());
            }

            JsonNode live = session(proxy.management("sessions"), call.callId());
            // caller: 50 RTP + 5 RTCP; callee: 50 RTP + 5 RTCP, its first report was not relayed
            JsonNode audio = live.path("streams").get(0);
            assertEquals("audio", audio.path("media_type").asText());
            assertEquals("active", audio.path("status").asText());
            assertEquals("G711u", audio.path("caller_codec").asText());
            assertEquals("G711a", audio.path("callee_codec").asText());
            assertEquals(55, audio.path("caller_packets").asLong());
            assertEquals(55, audio.path("callee_packets").asLong());
            assertEquals(50 * RTP_BYTES + 5 * RTCP_BYTES, audio.path("caller_bytes").asLong());
            assertEquals("Dynamic(96)", live.path("streams").get(1).path("caller_codec").asText());
            assertEquals("127.0.0.1:" + caller.port(0), audio.path("caller_remote").asText());
            assertEquals("127.0.0.1:" + callee.port(0), audio.path("callee_remote").asText());
            JsonNode summary = proxy.management("summary").get(0);
            assertEquals("active", summary.path("status").asText());
            assertEquals(1, summary.path("session_count").asInt());

            assertEquals("removed", opensips.send(call.remove()));
        }
        JsonNode record = proxy.awaitAccounting(call.callId(), 1).get(0);
        assertEquals("from-av", record.path("from_tag").asText());
        assertEquals("to-av", record.path("to_tag").asText());
        assertEquals("2959232491322", record.path("dialog_id").asText());
        assertEquals(false, record.path("timed_out").asBoolean(true));
        assertEquals("closed", record.path("streams").get(0).path("status").asText());
        assertEquals(55, record.path("streams").get(1).path("callee_packets").asLong());
        for (JsonNode session : proxy.management("sessions")) {
            assertNotEquals(call.callId(), session.path("call_id").asText(), "removed sessions are gone from the relay");
        }
    }

    private static InetSocketAddress rtcp(InetSocketAddress rtp) {
        return new InetSocketAddress(rtp.getAddress(), rtp.getPort() + 1);
    }

    @Test
    void holdReInviteKeepsThePortsAndUnholdResumes() throws Exception {
        proxy = RunningMediaProxy.start(base, Map.of());
        SipDialog call = dialog("hold");
        try (OpenSipsClient opensips = proxy.opensips();
                MediaParty caller = MediaParty.withStreams(1);
                MediaParty callee = MediaParty.withStreams(1)) {
            String offer = opensips.send(call.offer(1, "127.0.0.1", List.of(caller.audio(0))));
            String answer = opensips.send(call.answer(1, "127.0.0.1", List.of(callee.audio(0))));

            Media sendonly = new Media("audio", "127.0.0.1", caller.port(0), "sendonly", false);
            Media recvonly = new Media("audio", "127.0.0.1", callee.port(0), "recvonly", false);
            assertEquals(offer, opensips.send(call.offer(2, "127.0.0.1", List.of(sendonly))));
            assertEquals(answer, opensips.send(call.answer(2, "127.0.0.1", List.of(recvonly))));
            assertEquals("on hold", session(proxy.management("sessions"), call.callId())
                    .path("streams").get(0).path("status").asText());

            assertEquals(offer, opensips.send(call.offer(3, "127.0.0.1", List.of(caller.audio(0)))));
            assertEquals(answer, opensips.send(call.answer(3, "127.0.0.1", List.of(callee.audio(0)))));
            assertEquals("active", session(proxy.management("sessions"), call.callId())
                    .path("streams").get(0).path("status").asText());
            caller.send(0, Replies.stream(answer, 0), 20, 0);
            Thread.sleep(200);
            assertEquals(20, callee.rtp.get(0).received());
            assertEquals("removed", opensips.send(call.remove()));
        }
    }

    @Test
    void reInviteAddsVideoAndAnAnswerCanRejectAStream() throws Exception {
        proxy = RunningMediaProxy.start(base, Map.of());
        SipDialog call = dialog("video");
        try (OpenSipsClient opensips = proxy.opensips();
                MediaParty caller = MediaParty.withStreams(2);
                MediaParty callee = MediaParty.withStreams(2)) {
            String offer = opensips.send(call.offer(1, "127.0.0.1", List.of(caller.audio(0))));
            opensips.send(call.answer(1, "127.0.0.1", List.of(callee.audio(0))));

            String reOffer = opensips.send(call.offer(2, "127.0.0.1", List.of(caller.audio(0), caller.video(1))));
            assertEquals(Replies.port(offer, 0), Replies.port(reOffer, 0), "audio keeps its relay port");
            assertNotEquals(0, Replies.port(reOffer, 1));
            assertNotEquals(Replies.port(reOffer, 0), Replies.port(reOffer, 1));
            String reAnswer = opensips.send(call.answer(2, "127.0.0.1",
                    List.of(callee.audio(0), Media.video("127.0.0.1", 0))));
            assertEquals(0, Replies.port(reAnswer, 1), "the rejected video stream gets port 0: " + reAnswer);
            assertEquals("removed", opensips.send(call.remove()));
        }
        JsonNode streams = proxy.awaitAccounting(call.callId(), 1).get(0).path("streams");
        assertEquals(2, streams.size(), streams.toString());
        assertEquals("rejected", streams.get(1).path("status").asText());
    }

    @Test
    void silentStreamTimesOutAndTheDispatcherAccountsItAsTimedOut() throws Exception {
        proxy = RunningMediaProxy.start(base, Map.of("Relay", "stream_timeout = 2"));
        SipDialog call = dialog("timeout");
        try (OpenSipsClient opensips = proxy.opensips();
                MediaParty caller = MediaParty.withStreams(1);
                MediaParty callee = MediaParty.withStreams(1)) {
            opensips.send(call.offer(1, "127.0.0.1", List.of(caller.audio(0))));
            opensips.send(call.answer(1, "127.0.0.1", List.of(callee.audio(0))));
            JsonNode record = proxy.awaitAccounting(call.callId(), 1).get(0);
            assertEquals(true, record.path("timed_out").asBoolean(false));
            assertEquals(false, record.path("all_streams_ice").asBoolean(true));
            assertEquals("no-traffic timeout", record.path("streams").get(0).path("status").asText());
            assertEquals(2, record.path("streams").get(0).path("timeout_wait").asInt());
            // OpenSIPS ends the dialog after dlg_end_dlg; its remove is answered from the dispatcher's state
            assertEquals("removed", opensips.send(call.remove()));
        }
        assertEquals(1, proxy.accounting(call.callId()).size(), "one record per session, not two");
    }

    @Test
    void hangupSignalDrainsTheRelayThenItExits() throws Exception {
        proxy = RunningMediaProxy.start(base, Map.of());
        SipDialog call = dialog("drain");
        try (OpenSipsClient opensips = proxy.opensips();
                MediaParty caller = MediaParty.withStreams(1);
                MediaParty callee = MediaParty.withStreams(1)) {
            String offer = opensips.send(call.offer(1, "127.0.0.1", List.of(caller.audio(0))));
            String answer = opensips.send(call.answer(1, "127.0.0.1", List.of(callee.audio(0))));

            proxy.relay.signal("HUP");
            proxy.awaitManagement("summary", s -> s.size() == 1 && s.get(0).path("status").asText().equals("halting"),
                    "the relay to report halting");
            try (MediaParty other = MediaParty.withStreams(1)) {
                assertEquals("error", opensips.send(dialog("refused").offer(1, "127.0.0.1", List.of(other.audio(0)))),
                        "the only relay is draining, so a new call cannot get media");
            }
            assertEquals(offer, opensips.send(call.offer(2, "127.0.0.1", List.of(caller.audio(0)))), "updates still work");
            assertEquals(answer, opensips.send(call.answer(2, "127.0.0.1", List.of(callee.audio(0)))));
            caller.send(0, Replies.stream(answer, 0), 20, 0);
            Thread.sleep(200);
            assertEquals(20, callee.rtp.get(0).received(), "the draining call keeps its media");
            assertTrue(proxy.relay.isAlive());

            assertEquals("removed", opensips.send(call.remove()));
            assertEquals(0, proxy.relay.awaitExit(Duration.ofSeconds(15)), "exit code after the last call");
        }
    }

    @Test
    void terminateSignalExpiresEverySessionAndDeliversTheRecordsBeforeExit() throws Exception {
        proxy = RunningMediaProxy.start(base, Map.of());
        SipDialog first = dialog("term1");
        SipDialog second = dialog("term2");
        try (OpenSipsClient opensips = proxy.opensips();
                MediaParty caller = MediaParty.withStreams(2);
                MediaParty callee = MediaParty.withStreams(2)) {
            for (SipDialog call : List.of(first, second)) {
                int stream = call == first ? 0 : 1;
                opensips.send(call.offer(1, "127.0.0.1", List.of(caller.audio(stream))));
                opensips.send(call.answer(1, "127.0.0.1", List.of(callee.audio(stream))));
            }
            proxy.relay.signal("TERM");
            assertEquals(0, proxy.relay.awaitExit(Duration.ofSeconds(15)));
        }
        assertEquals(1, proxy.awaitAccounting(first.callId(), 1).size());
        assertEquals(1, proxy.awaitAccounting(second.callId(), 1).size());
    }

    /** The release is built for Java 17 and must also run on the current LTS, 25. */
    @Test
    void bothDaemonsCarryACallOnJava25() throws Exception {
        Path java25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
        assertTrue(java25.toFile().canExecute(), "this kind of machine has Temurin 25 at " + java25);
        proxy = RunningMediaProxy.start(base, Map.of(), Site.hostWithJava(java25));
        SipDialog call = dialog("java25");
        try (OpenSipsClient opensips = proxy.opensips();
                MediaParty caller = MediaParty.withStreams(1);
                MediaParty callee = MediaParty.withStreams(1)) {
            opensips.send(call.offer(1, "127.0.0.1", List.of(caller.audio(0))));
            String answer = opensips.send(call.answer(1, "127.0.0.1", List.of(callee.audio(0))));
            caller.send(0, Replies.stream(answer, 0), 20, 0);
            Thread.sleep(200);
            assertEquals(20, callee.rtp.get(0).received());
            assertEquals("removed", opensips.send(call.remove()));
        }
        assertEquals(1, proxy.awaitAccounting(call.callId(), 1).size());
        assertTrue(ProcessHandle.of(proxy.relay.pid()).flatMap(h -> h.info().command())
                .orElse("").contains("temurin-25"), "the relay runs on Java 25");
    }

    @Test
    void dispatcherStopsCleanlyOnTerm() throws Exception {
        proxy = RunningMediaProxy.start(base, Map.of());
        proxy.dispatcher.signal("TERM");
        assertEquals(0, proxy.dispatcher.awaitExit(Duration.ofSeconds(15)));
        assertTrue(!proxy.env.controlSocket().toFile().exists(), "the OpenSIPS socket is removed on exit");
    }
}
