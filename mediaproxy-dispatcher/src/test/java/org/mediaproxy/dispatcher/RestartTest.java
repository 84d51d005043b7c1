package org.mediaproxy.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.mediaproxy.common.json.PythonJson;
import org.mediaproxy.dispatcher.session.DispatcherSession;

/** A dispatcher restart loses no call: the table comes back from the state file and the relays. */
class RestartTest extends EndToEndBase {

    private static final Duration REPLY = Duration.ofSeconds(2);

    private final FakeRelay a = new FakeRelay("203.0.113.5");
    private final FakeRelay b = new FakeRelay("203.0.113.9");

    /** Two answered calls, one per relay, with dialog ids 11 and 22. */
    private TestDispatcher firstRun() throws Exception {
        TestDispatcher dispatcher = dispatcher();
        relay(dispatcher, RELAY_A, a);
        relay(dispatcher, RELAY_B, b);
        OpenSipsTestClient opensips = opensips(dispatcher);
        assertTrue(opensips.request(Requests.invite("call-a", "11", RELAY_A), REPLY).startsWith("203.0.113.5 "));
        assertTrue(opensips.request(Requests.answer("call-a", "11"), REPLY).startsWith("203.0.113.5 "));
        assertTrue(opensips.request(Requests.invite("call-b", "22", RELAY_B), REPLY).startsWith("203.0.113.9 "));
        assertTrue(opensips.request(Requests.answer("call-b", "22"), REPLY).startsWith("203.0.113.9 "));
        opensips.close();
        return dispatcher;
    }

    private Map<String, DispatcherSession> table(TestDispatcher dispatcher) throws InterruptedException {
        return dispatcher.dispatcher.sessions().stream().collect(Collectors.toMap(DispatcherSession::callId, Function.identity()));
    }

    @Test
    void anOrderlyRestartKeepsCallsOnTheirRelaysWithTheirDialogIds() throws Exception {
        firstRun().stop();
        assertTrue(Files.exists(runtime.resolve(MediaDispatcher.STATE_FILE)));

        TestDispatcher second = dispatcher();
        assertFalse(Files.exists(runtime.resolve(MediaDispatcher.STATE_FILE)), "read once, then deleted");
        Map<String, DispatcherSession> restored = table(second);
        assertEquals(DispatcherSession.created("call-a", RELAY_A, "11"), restored.get("call-a"));
        assertEquals(DispatcherSession.created("call-b", RELAY_B, "22"), restored.get("call-b"));

        OpenSipsTestClient opensips = opensips(second);
        assertEquals("error", opensips.request(Requests.reinvite("call-a", "11", "2"), REPLY), "relay A not back yet");
        TestRelay relayA = relay(second, RELAY_A, a);
        relay(second, RELAY_B, b);
        assertTrue(opensips.request(Requests.reinvite("call-a", "11", "3"), REPLY).startsWith("203.0.113.5 "),
                "a re-INVITE goes to the relay that carries the call");
        assertEquals("update", relayA.nextCommand(WAIT).name());
        assertEquals("removed", opensips.request(Requests.remove("call-b"), REPLY));
        String record = PythonJson.write(second.nextRecord(WAIT));
        assertTrue(record.endsWith("\"dialog_id\": \"22\", \"timed_out\": false}"), "dialog id kept across the restart: " + record);
        assertEquals(2, b.updates.get(), "only the INVITE and 200 of the first run: no second session for call-b");
    }

    @Test
    void afterACrashTheRelaysReportTheCallsInProgress() throws Exception {
        firstRun().stop();
        Files.delete(runtime.resolve(MediaDispatcher.STATE_FILE)); // as if the dispatcher had crashed

        TestDispatcher second = dispatcher();
        assertTrue(table(second).isEmpty());
        relay(second, RELAY_A, a);
        relay(second, RELAY_B, b);
        eventually("calls adopted", () -> {
            try {
                return table(second).size() == 2;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals(DispatcherSession.adopted("call-a", RELAY_A), table(second).get("call-a"));

        OpenSipsTestClient opensips = opensips(second);
        assertTrue(opensips.request(Requests.reinvite("call-a", "11", "2"), REPLY).startsWith("203.0.113.5 "),
                "sticky to the relay that reported it");
        assertEquals(DispatcherSession.created("call-a", RELAY_A, "11"), table(second).get("call-a"),
                "the re-INVITE confirms the call and brings its dialog id back");
        assertEquals("removed", opensips.request(Requests.remove("call-b"), REPLY));
        assertTrue(PythonJson.write(second.nextRecord(WAIT)).endsWith("\"dialog_id\": null, \"timed_out\": false}"));
        assertEquals(2, b.updates.get(), "call-b was never placed again");
    }
}
