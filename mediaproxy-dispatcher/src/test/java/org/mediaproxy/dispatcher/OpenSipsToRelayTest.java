package org.mediaproxy.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.mediaproxy.common.json.PythonJson;

/** OpenSIPS client → dispatcher → test relays over real TLS: routing, selection, failover, budget. */
class OpenSipsToRelayTest extends EndToEndBase {

    private static final Duration REPLY = Duration.ofSeconds(2);

    private static String fixture(String name) throws IOException {
        try (InputStream in = OpenSipsToRelayTest.class.getResourceAsStream("/fixtures/opensips-3.6/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The relay command the original would send for this OpenSIPS request. */
    private static String forwarded(String request, long seq) {
        List<String> lines = new ArrayList<>(Arrays.asList(request.split("\r\n")));
        String command = lines.remove(0);
        lines.removeIf(line -> line.isEmpty() || line.endsWith(": "));
        return command + " " + seq + "\r\n" + String.join("", lines.stream().map(l -> l + "\r\n").toList()) + "\r\n";
    }

    @Test
    void servesARecordedCallEndToEnd() throws Exception {
        TestDispatcher dispatcher = dispatcher();
        FakeRelay fake = new FakeRelay("203.0.113.5");
        TestRelay relay = relay(dispatcher, RELAY_A, fake);
        OpenSipsTestClient opensips = opensips(dispatcher);

        String invite = fixture("audio/000001-update.req");
        assertEquals("203.0.113.5 40000", opensips.request(invite, REPLY));
        assertEquals(forwarded(invite, 1), relay.nextCommand(WAIT).wireText());

        String ok = fixture("audio/000002-update.req");
        assertEquals("203.0.113.5 40004", opensips.request(ok, REPLY));
        assertEquals(forwarded(ok, 2), relay.nextCommand(WAIT).wireText());

        String bye = fixture("audio/000003-remove.req");
        assertEquals("removed", opensips.request(bye, REPLY));
        assertEquals("remove 3\r\ncall_id: 1-9191@127.0.0.1\r\nfrom_tag: 9191HarnUAC1\r\nto_tag: 9187HarnUAS1\r\n\r\n",
                relay.nextCommand(WAIT).wireText());

        ObjectNode record = dispatcher.nextRecord(WAIT);
        String json = PythonJson.write(record);
        assertTrue(json.startsWith("{\"call_id\": \"1-9191@127.0.0.1\", \"from_tag\": \"9191HarnUAC1\""), json);
        assertTrue(json.endsWith(", \"dialog_id\": \"14449888466872\", \"timed_out\": false}"), json);
        assertTrue(dispatcher.dispatcher.sessions().isEmpty());
        assertEquals("error", opensips.request(bye, REPLY), "a second remove finds nothing");
    }

    @Test
    void spreadsNewCallsOverTwoRelaysAndKeepsEachCallOnItsRelay() throws Exception {
        TestDispatcher dispatcher = dispatcher();
        FakeRelay a = new FakeRelay("203.0.113.5");
        FakeRelay b = new FakeRelay("203.0.113.9");
        relay(dispatcher, RELAY_A, a);
        relay(dispatcher, RELAY_B, b);
        OpenSipsTestClient opensips = opensips(dispatcher);
        for (int i = 0; i < 20; i++) {
            String reply = opensips.request(Requests.invite("spread-" + i, null, null), REPLY);
            assertTrue(reply.startsWith("203.0.113."), reply);
        }
        assertEquals(10, a.calls.size(), "least loaded first: an even split");
        assertEquals(10, b.calls.size());
        for (int i = 0; i < 20; i++) {
            String callId = "spread-" + i;
            String reply = opensips.request(Requests.answer(callId, null), REPLY);
            String expectedIp = a.calls.containsKey(callId) ? "203.0.113.5" : "203.0.113.9";
            assertTrue(reply.startsWith(expectedIp + " "), "call " + callId + " stays on its relay: " + reply);
        }
    }

    @Test
    void aHaltingRelayGetsNoMoreNewCallsButKeepsItsOwn() throws Exception {
        TestDispatcher dispatcher = dispatcher();
        FakeRelay a = new FakeRelay("203.0.113.5");
        FakeRelay b = new FakeRelay("203.0.113.9");
        TestRelay relayA = relay(dispatcher, RELAY_A, a);
        relay(dispatcher, RELAY_B, b);
        OpenSipsTestClient opensips = opensips(dispatcher);
        assertEquals("203.0.113.5 40000", opensips.request(Requests.invite("existing", null, RELAY_A), REPLY));
        relayA.awaitCommand("update", WAIT);

        a.mode = FakeRelay.Mode.HALTING;
        assertTrue(opensips.request(Requests.invite("new-1", null, RELAY_A), REPLY).startsWith("203.0.113.9 "),
                "halting answer: the next relay takes the call");
        relayA.awaitCommand("update", WAIT);
        for (int i = 2; i < 6; i++) {
            assertTrue(opensips.request(Requests.invite("new-" + i, null, RELAY_A), REPLY).startsWith("203.0.113.9 "));
        }
        assertNull(relayA.nextCommand(Duration.ofMillis(100)), "a halting relay is not asked again");
        assertTrue(opensips.request(Requests.answer("existing", null), REPLY).startsWith("203.0.113.5 "),
                "its existing call still goes there");
    }

    @Test
    void anErrorFromOneRelayFailsOverToTheOther() throws Exception {
        TestDispatcher dispatcher = dispatcher();
        FakeRelay a = new FakeRelay("203.0.113.5");
        FakeRelay b = new FakeRelay("203.0.113.9");
        relay(dispatcher, RELAY_A, a);
        relay(dispatcher, RELAY_B, b);
        OpenSipsTestClient opensips = opensips(dispatcher);
        a.mode = FakeRelay.Mode.ERROR;
        assertTrue(opensips.request(Requests.invite("call", null, RELAY_A), REPLY).startsWith("203.0.113.9 "));
        assertTrue(b.calls.containsKey("call"));
        b.mode = FakeRelay.Mode.ERROR;
        assertEquals("error", opensips.request(Requests.invite("nowhere", null, null), REPLY), "every relay failed");
    }

    @Test
    void aKilledRelayIsFailedOverForNewCallsWhileItsCallsGetError() throws Exception {
        TestDispatcher dispatcher = dispatcher();
        FakeRelay a = new FakeRelay("203.0.113.5");
        FakeRelay b = new FakeRelay("203.0.113.9");
        TestRelay relayA = relay(dispatcher, RELAY_A, a);
        relay(dispatcher, RELAY_B, b);
        OpenSipsTestClient opensips = opensips(dispatcher);
        assertTrue(opensips.request(Requests.invite("on-a", "1", RELAY_A), REPLY).startsWith("203.0.113.5 "));
        relayA.close();
        eventually("relay A gone", () -> connected(dispatcher).equals(List.of(RELAY_B)));
        for (int i = 0; i < 4; i++) {
            assertTrue(opensips.request(Requests.invite("after-" + i, null, RELAY_A), REPLY).startsWith("203.0.113.9 "));
        }
        assertEquals("error", opensips.request(Requests.answer("on-a", "1"), REPLY), "no failover for an existing call");
        assertEquals("error", opensips.request(Requests.remove("on-a"), REPLY));
    }

    @Test
    void aStalledRelayIsAbandonedInTimeForTheNextOne() throws Exception {
        // A budget of 1 s instead of the default 500 ms leaves room for a busy test machine.
        TestDispatcher dispatcher = dispatcher(settings -> settings.opensipsTimeout = Duration.ofSeconds(1));
        FakeRelay a = new FakeRelay("203.0.113.5");
        FakeRelay b = new FakeRelay("203.0.113.9");
        TestRelay relayA = relay(dispatcher, RELAY_A, a);
        relay(dispatcher, RELAY_B, b);
        OpenSipsTestClient opensips = opensips(dispatcher);
        a.mode = FakeRelay.Mode.STALL;
        // The client waits as long as the module would with mediaproxy_timeout = opensips_timeout.
        String reply = opensips.request(Requests.invite("stalled", null, RELAY_A), Duration.ofSeconds(1));
        assertTrue(reply != null && reply.startsWith("203.0.113.9 "), "answered by B before OpenSIPS gave up: " + reply);
        assertTrue(opensips.request(Requests.invite("next", null, null), REPLY).startsWith("203.0.113.9 "));
        relayA.awaitCommand("update", WAIT);
        assertNull(relayA.nextCommand(Duration.ofMillis(100)), "the stalled relay was asked once, then left alone");
    }

    @Test
    void withOnlyAStalledRelayOpenSipsGetsErrorBeforeItGivesUpAndNothingLater() throws Exception {
        TestDispatcher dispatcher = dispatcher(settings -> settings.opensipsTimeout = Duration.ofSeconds(1));
        FakeRelay a = new FakeRelay("203.0.113.5");
        relay(dispatcher, RELAY_A, a);
        OpenSipsTestClient opensips = opensips(dispatcher);
        a.mode = FakeRelay.Mode.STALL;
        long start = System.nanoTime();
        assertEquals("error", opensips.request(Requests.invite("stalled", null, null), Duration.ofSeconds(1)),
                "error before OpenSIPS gives up");
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(elapsedMillis >= 790, "the relay had 80 % of the 1 s budget, took " + elapsedMillis);
        assertNull(opensips.readLine(Duration.ofSeconds(1)), "no second, late reply");
    }

    @Test
    void aLateAllocationOnAnAbandonedRelayIsReleased() throws Exception {
        TestDispatcher dispatcher = dispatcher();
        FakeRelay a = new FakeRelay("203.0.113.5");
        FakeRelay b = new FakeRelay("203.0.113.9");
        TestRelay relayA = relay(dispatcher, RELAY_A, a);
        relay(dispatcher, RELAY_B, b);
        OpenSipsTestClient opensips = opensips(dispatcher);
        a.delay = Duration.ofMillis(1200); // beyond the 800 ms that A gets of the 2 s budget
        assertTrue(opensips.request(Requests.invite("slow", null, RELAY_A), REPLY).startsWith("203.0.113.9 "));
        relayA.awaitCommand("update", WAIT);
        TestRelay.Command release = relayA.awaitCommand("remove", WAIT);
        assertEquals(List.of("call_id: slow", "from_tag: caller-tag"), release.headerLines());
        eventually("released on A", () -> !a.calls.containsKey("slow"));
        assertTrue(b.calls.containsKey("slow"));
        a.delay = Duration.ZERO;
        assertTrue(opensips.request(Requests.answer("slow", null), REPLY).startsWith("203.0.113.9 "));
    }

    @Test
    void aForcedRelayIsHonouredAndAnUnknownOneIgnored() throws Exception {
        TestDispatcher dispatcher = dispatcher();
        FakeRelay a = new FakeRelay("203.0.113.5");
        FakeRelay b = new FakeRelay("203.0.113.9");
        relay(dispatcher, RELAY_A, a);
        relay(dispatcher, RELAY_B, b);
        OpenSipsTestClient opensips = opensips(dispatcher);
        for (int i = 0; i < 3; i++) {
            assertTrue(opensips.request(Requests.invite("forced-" + i, null, RELAY_B), REPLY).startsWith("203.0.113.9 "),
                    "forced onto the busier relay");
        }
        try (LogCapture log = new LogCapture(RequestRouter.class)) {
            assertTrue(opensips.request(Requests.invite("unknown", null, "192.0.2.99"), REPLY).startsWith("203.0.113.5 "),
                    "an unknown media_relay is ignored: the least loaded relay takes it");
            assertTrue(log.contains("media_relay 192.0.2.99"), log.messages().toString());
        }
        assertTrue(opensips.request(Requests.answer("forced-0", null).replace("media_relay: \r\n",
                "media_relay: " + RELAY_A + "\r\n"), REPLY).startsWith("203.0.113.9 "), "an existing call ignores media_relay");
    }

    @Test
    void withoutRelaysEveryCallGetsErrorAtOnceAndOneLogLine() throws Exception {
        TestDispatcher dispatcher = dispatcher();
        OpenSipsTestClient opensips = opensips(dispatcher);
        try (LogCapture log = new LogCapture(NoRelayWarning.class)) {
            long start = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                assertEquals("error", opensips.request(Requests.invite("lonely-" + i, null, null), REPLY));
            }
            assertTrue((System.nanoTime() - start) / 1_000_000 < 1000, "immediate answers");
            assertEquals(1, log.count("no relay available"), log.messages().toString());
            relay(dispatcher, RELAY_A, new FakeRelay("203.0.113.5"));
            eventually("outage summary logged", () -> log.contains("49 more new sessions were answered error"));
        }
        assertTrue(opensips.request(Requests.invite("served", null, null), REPLY).startsWith("203.0.113.5 "));
    }

    @Test
    void garbageFromOneRelayClosesOnlyThatRelay() throws Exception {
        TestDispatcher dispatcher = dispatcher();
        FakeRelay a = new FakeRelay("203.0.113.5");
        TestRelay relayA = relay(dispatcher, RELAY_A, a);
        TestRelay relayB = relay(dispatcher, RELAY_B, new FakeRelay("203.0.113.9"));
        relayA.send("hello dispatcher");
        relayA.send("42 an answer to nothing");
        relayA.send("expired {not json");
        relayA.sendRaw("\u00ff\u00fe\r\n");
        relayA.send("ping");
        eventually("pong", () -> relayA.pongs() == 1);
        assertTrue(relayA.isOpen(), "garbage lines are logged and ignored");
        relayA.sendRaw("x".repeat(5 * 1024 * 1024));
        assertTrue(relayA.awaitClosed(WAIT), "a line longer than 4 MiB closes the connection");
        assertTrue(relayB.isOpen());
        OpenSipsTestClient opensips = opensips(dispatcher);
        assertTrue(opensips.request(Requests.invite("after-garbage", null, null), REPLY).startsWith("203.0.113.9 "));
    }

    @Test
    void oneOpenSipsConnectionsGarbageDoesNotDisturbAnother() throws Exception {
        TestDispatcher dispatcher = dispatcher();
        relay(dispatcher, RELAY_A, new FakeRelay("203.0.113.5"));
        OpenSipsTestClient good = opensips(dispatcher);
        OpenSipsTestClient bad = opensips(dispatcher);
        assertEquals("error", bad.request("\u0000\u0001 binary junk\r\nmore junk\r\n\r\n", REPLY));
        bad.send("z".repeat(17000));
        assertEquals(OpenSipsTestClient.CLOSED, bad.readLine(WAIT));
        OpenSipsTestClient truncated = opensips(dispatcher);
        truncated.send("update\r\ntype: request\r\ncall_id: cut");
        truncated.close();
        assertTrue(good.request(Requests.invite("good", null, null), REPLY).startsWith("203.0.113.5 "));
    }

    @Test
    void shutdownAnswersTheRequestInFlightThenClosesAndSavesTheTable() throws Exception {
        TestDispatcher dispatcher = dispatcher();
        FakeRelay a = new FakeRelay("203.0.113.5");
        relay(dispatcher, RELAY_A, a);
        OpenSipsTestClient opensips = opensips(dispatcher);
        a.delay = Duration.ofMillis(200);
        opensips.send(Requests.invite("in-flight", "77", null));
        Thread.sleep(50);
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> {
            try {
                dispatcher.stop();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals("203.0.113.5 40000", opensips.readLine(REPLY));
        assertEquals(OpenSipsTestClient.CLOSED, opensips.readLine(REPLY));
        stopped.get();
        assertFalse(Files.exists(runtime.resolve("dispatcher.sock")), "socket file removed");
        String state = Files.readString(runtime.resolve(MediaDispatcher.STATE_FILE));
        assertTrue(state.contains("\"call_id\": \"in-flight\", \"relay\": \"127.0.0.2\", \"dialog_id\": \"77\""), state);
    }

    private static List<String> connected(TestDispatcher dispatcher) {
        try {
            return dispatcher.dispatcher.connectedRelays();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

}
