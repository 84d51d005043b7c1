package org.mediaproxy.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.mediaproxy.dispatcher.session.DispatcherSession;

/** Relays that go away, come back or carry other dispatchers' calls; expired sessions that stay. */
class RelayLifecycleTest extends EndToEndBase {

    private static final Duration REPLY = Duration.ofSeconds(2);

    private boolean knows(TestDispatcher dispatcher, String callId) {
        try {
            return dispatcher.dispatcher.sessions().stream().map(DispatcherSession::callId).anyMatch(callId::equals);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theCallsOfARelayThatStaysAwayAreForgotten() throws Exception {
        TestDispatcher dispatcher = dispatcher(settings -> settings.cleanupDeadRelaysAfter = Duration.ofMillis(500));
        TestRelay relay = relay(dispatcher, RELAY_A, new FakeRelay("203.0.113.5"));
        OpenSipsTestClient opensips = opensips(dispatcher);
        assertTrue(opensips.request(Requests.invite("orphan", "1", null), REPLY).startsWith("203.0.113.5 "));
        relay.close();
        eventually("relay gone", () -> !connected(dispatcher));
        assertEquals("error", opensips.request(Requests.answer("orphan", "1"), REPLY), "its relay is away");
        assertTrue(knows(dispatcher, "orphan"), "kept for a while: the relay may come back");
        eventually("forgotten after cleanup_dead_relays_after", () -> !knows(dispatcher, "orphan"));
    }

    @Test
    void aRelayThatComesBackInTimeKeepsItsCalls() throws Exception {
        TestDispatcher dispatcher = dispatcher(settings -> settings.cleanupDeadRelaysAfter = Duration.ofMillis(500));
        FakeRelay fake = new FakeRelay("203.0.113.5");
        TestRelay first = relay(dispatcher, RELAY_A, fake);
        OpenSipsTestClient opensips = opensips(dispatcher);
        assertTrue(opensips.request(Requests.invite("survivor", "1", null), REPLY).startsWith("203.0.113.5 "));
        first.close();
        eventually("relay gone", () -> !connected(dispatcher));
        relay(dispatcher, RELAY_A, fake);
        Thread.sleep(800);
        assertTrue(knows(dispatcher, "survivor"), "the clean-up was cancelled by the reconnection");
        assertTrue(opensips.request(Requests.answer("survivor", "1"), REPLY).startsWith("203.0.113.5 "));
    }

    @Test
    void anExpiredCallThatOpenSipsNeverRemovesIsPurged() throws Exception {
        TestDispatcher dispatcher = dispatcher(settings -> {
            settings.purgeInterval = Duration.ofMillis(200);
            settings.cleanupExpiredSessionsAfter = Duration.ofMillis(300);
        });
        FakeRelay fake = new FakeRelay("203.0.113.5");
        TestRelay relay = relay(dispatcher, RELAY_A, fake);
        OpenSipsTestClient opensips = opensips(dispatcher);
        assertTrue(opensips.request(Requests.invite("forgotten", "1", null), REPLY).startsWith("203.0.113.5 "));
        assertTrue(opensips.request(Requests.answer("forgotten", "1"), REPLY).startsWith("203.0.113.5 "));
        relay.send(fake.expire("forgotten", "no-traffic timeout")); // no OpenSIPS MI listening: the BYE never comes
        eventually("kept as expired", () -> knows(dispatcher, "forgotten"));
        eventually("purged", () -> !knows(dispatcher, "forgotten"));
        assertEquals("error", opensips.request(Requests.remove("forgotten"), REPLY));
    }

    @Test
    void callsOtherDispatchersPutOnARelayCountInItsLoad() throws Exception {
        TestDispatcher dispatcher = dispatcher(settings -> settings.loadPollInterval = Duration.ofMillis(200));
        FakeRelay a = new FakeRelay("203.0.113.5");
        FakeRelay b = new FakeRelay("203.0.113.9");
        relay(dispatcher, RELAY_A, a);
        TestRelay relayB = relay(dispatcher, RELAY_B, b);
        b.foreignCalls = 50;
        relayB.awaitCommand("summary", WAIT);
        relayB.awaitCommand("summary", WAIT); // the answer to the first one has been read by now
        OpenSipsTestClient opensips = opensips(dispatcher);
        for (int i = 0; i < 6; i++) {
            assertTrue(opensips.request(Requests.invite("balanced-" + i, null, null), REPLY).startsWith("203.0.113.5 "),
                    "relay B is busy with another dispatcher's calls");
        }
    }

    @Test
    void aStaleSocketFileIsReplaced() throws Exception {
        Files.writeString(runtime.resolve("dispatcher.sock"), "left over by a crash");
        TestDispatcher dispatcher = dispatcher();
        relay(dispatcher, RELAY_A, new FakeRelay("203.0.113.5"));
        assertTrue(opensips(dispatcher).request(Requests.invite("fresh", null, null), REPLY).startsWith("203.0.113.5 "));
    }

    private static boolean connected(TestDispatcher dispatcher) {
        try {
            return !dispatcher.dispatcher.connectedRelays().isEmpty();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
