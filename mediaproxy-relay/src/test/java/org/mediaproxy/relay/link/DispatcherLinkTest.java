package org.mediaproxy.relay.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mediaproxy.common.testing.WireTranscript;
import org.mediaproxy.common.tls.Passport;
import org.mediaproxy.common.tls.PeerVerifier;
import org.mediaproxy.relay.testing.InMemorySessionTable;
import org.mediaproxy.relay.testing.LinkFixture;
import org.mediaproxy.relay.testing.LogCapture;
import org.mediaproxy.relay.testing.TestDispatcher;

/** A relay's link against a real TLS dispatcher listener on loopback. */
class DispatcherLinkTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration RECONNECT_DELAY = Duration.ofSeconds(3);
    /** Matches the sample dispatcher certificate (behaviour 17). */
    private static final Passport DISPATCHER_PASSPORT = Passport.parse("O:AG Projects, CN:*dispatcher");

    private final LinkFixture fixture = new LinkFixture();
    private final InMemorySessionTable table = new InMemorySessionTable();
    private final List<DispatcherLink> links = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (DispatcherLink link : links) {
            link.disconnect().get(5, TimeUnit.SECONDS);
        }
        fixture.close();
    }

    private DispatcherLink link(int port, Duration keepalive, Passport passport, RelayCommands commands) {
        LinkEnvironment env = fixture.environment(fixture.control(commands), passport, keepalive, RECONNECT_DELAY);
        DispatcherLink link = new DispatcherLink(new DispatcherAddress("127.0.0.1", port), env, () -> { });
        links.add(link);
        link.start();
        return link;
    }

    private static double secondsBetween(long fromNanos, long toNanos) {
        return (toNanos - fromNanos) / 1e9;
    }

    @Test
    void answersTheReconciliationAndKeepsPinging() throws Exception {
        TestDispatcher dispatcher = fixture.dispatcher("127.0.0.1", 0);
        DispatcherLink link = link(dispatcher.port(), Duration.ofMillis(200), DISPATCHER_PASSPORT, table);

        TestDispatcher.Connection connection = dispatcher.nextConnection(WAIT);
        assertNotNull(connection);
        assertTrue(connection.relayCertificate().getSubjectX500Principal().getName().contains("CN=MediaProxy relay"));
        connection.send("sessions 0\r\n\r\n");
        assertEquals("0 []", connection.nextLine(WAIT));

        List<Long> pings = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Long ping = connection.pings.poll(2, TimeUnit.SECONDS);
            assertNotNull(ping, "ping " + i);
            pings.add(ping);
        }
        double period = secondsBetween(pings.get(0), pings.get(3)) / 3;
        assertTrue(period > 0.15 && period < 0.35, "ping period " + period);
        assertTrue(link.isConnected());
        assertNull(dispatcher.nextConnection(Duration.ofMillis(300)), "answered pings keep the connection");
        assertFalse(connection.closed.isDone());
    }

    @Test
    void unknownCommandIsAnsweredErrorAndRepliesKeepCommandOrder() throws Exception {
        TestDispatcher dispatcher = fixture.dispatcher("127.0.0.1", 0);
        link(dispatcher.port(), Duration.ofSeconds(60), DISPATCHER_PASSPORT, table);
        TestDispatcher.Connection connection = dispatcher.nextConnection(WAIT);

        connection.send("update 1\r\ncall_id: c1\r\nfrom_tag: f\r\n\r\nfrobnicate 2\r\n\r\nsummary 3\r\n\r\nremove 4\r\n"
                + "call_id: c1\r\n\r\nsessions 5\r\n\r\n");

        assertEquals("1 198.18.0.1 40002", connection.nextLine(WAIT));
        assertEquals("2 error", connection.nextLine(WAIT));
        assertEquals("3 {\"status\": \"active\", \"session_count\": 1}", connection.nextLine(WAIT));
        assertEquals("4 " + InMemorySessionTable.record("c1"), connection.nextLine(WAIT));
        assertEquals("5 []", connection.nextLine(WAIT));
        assertEquals("update {call_id=c1, from_tag=f} via 127.0.0.1:" + dispatcher.port(), table.executed().get(0));
    }

    /** The original relay's side of a recorded call, replayed over TLS: same commands in, same lines out. */
    @Test
    void replaysTheOriginalTranscript() throws Exception {
        List<WireTranscript.Message> transcript = WireTranscript.relaySide();
        Deque<String> payloads = new ArrayDeque<>();
        for (WireTranscript.Message message : transcript) {
            String text = message.text();
            if (!message.received() && !text.equals("ping\r\n") && !text.startsWith("expired ")) {
                payloads.add(text.substring(text.indexOf(' ') + 1, text.length() - 2));
            }
        }
        List<String> executed = new ArrayList<>();
        RelayCommands recorded = new RelayCommands() {
            @Override
            public synchronized String execute(String command, Map<String, String> headers, String dispatcher) {
                executed.add(command + " " + headers.get("call_id"));
                return payloads.remove();
            }

            @Override
            public int sessionCount(String dispatcher) {
                return 0;
            }

            @Override
            public void halt() {
            }

            @Override
            public void expireAll() {
            }

            @Override
            public boolean isIdle() {
                return true;
            }
        };
        TestDispatcher dispatcher = fixture.dispatcher("127.0.0.1", 0);
        DispatcherLink link = link(dispatcher.port(), Duration.ofSeconds(60), DISPATCHER_PASSPORT, recorded);
        TestDispatcher.Connection connection = dispatcher.nextConnection(WAIT);

        for (WireTranscript.Message message : transcript) {
            String text = message.text();
            if (message.received()) {
                connection.send(text);
            } else if (text.startsWith("expired ")) {
                assertTrue(link.send(new ExpiredNotice(text.substring("expired ".length(), text.length() - 2))));
                assertEquals(text.substring(0, text.length() - 2), connection.nextLine(WAIT));
            } else if (!text.equals("ping\r\n")) {
                assertEquals(text.substring(0, text.length() - 2), connection.nextLine(WAIT));
            }
        }
        assertTrue(payloads.isEmpty());
        assertEquals("update Pc0onxU6jH9424xW2vXM@198.18.1.2", executed.get(1));
        assertEquals("remove Pc0onxU6jH9424xW2vXM@198.18.1.2", executed.get(5));
    }

    @Test
    void lostConnectionIsRetriedAfterOneSecondThenAfterReconnectDelayIfItDiesYoung() throws Exception {
        TestDispatcher dispatcher = fixture.dispatcher("127.0.0.1", 0);
        link(dispatcher.port(), Duration.ofSeconds(60), DISPATCHER_PASSPORT, table);

        TestDispatcher.Connection first = dispatcher.nextConnection(WAIT);
        first.close();
        TestDispatcher.Connection second = dispatcher.nextConnection(WAIT);
        assertNotNull(second);
        double quick = secondsBetween(first.closed.get(), second.acceptedNanos);
        assertTrue(quick > 0.8 && quick < 2.0, "reconnected after " + quick + " s");

        // Lost again before it lived 5 s: the original waits reconnect_delay.
        second.close();
        TestDispatcher.Connection third = dispatcher.nextConnection(WAIT);
        assertNotNull(third);
        double slow = secondsBetween(second.closed.get(), third.acceptedNanos);
        assertTrue(slow > 2.8 && slow < 4.5, "reconnected after " + slow + " s");
    }

    @Test
    void refusedConnectionIsRetriedAfterReconnectDelay() throws Exception {
        int port = freePort();
        try (LogCapture log = new LogCapture(DispatcherLink.class)) {
            long started = System.nanoTime();
            link(port, Duration.ofSeconds(60), DISPATCHER_PASSPORT, table);
            Thread.sleep(1500);
            assertTrue(log.contains("Could not connect to dispatcher at 127.0.0.1:" + port + " (retrying in 3 seconds)"),
                    log.messages().toString());
            TestDispatcher dispatcher = fixture.dispatcher("127.0.0.1", port);
            TestDispatcher.Connection connection = dispatcher.nextConnection(WAIT);
            assertNotNull(connection);
            double waited = secondsBetween(started, connection.acceptedNanos);
            assertTrue(waited > 2.8 && waited < 4.5, "connected after " + waited + " s");
        }
    }

    @Test
    void threeUnansweredPingsAbortTheConnectionAndItIsRetriedAfterOneSecond() throws Exception {
        TestDispatcher dispatcher = fixture.dispatcher("127.0.0.1", 0);
        dispatcher.answerPings(false);
        link(dispatcher.port(), Duration.ofMillis(300), DISPATCHER_PASSPORT, table);

        TestDispatcher.Connection first = dispatcher.nextConnection(WAIT);
        long closed = first.closed.get(5, TimeUnit.SECONDS);
        assertEquals(3, first.pings.size(), "pings before giving up");
        double lifetime = secondsBetween(first.acceptedNanos, closed);
        assertTrue(lifetime > 1.0 && lifetime < 1.8, "aborted after " + lifetime + " s (4th ping due at 1.2 s)");

        dispatcher.answerPings(true);
        TestDispatcher.Connection second = dispatcher.nextConnection(WAIT);
        assertNotNull(second);
        double retry = secondsBetween(closed, second.acceptedNanos);
        assertTrue(retry > 0.8 && retry < 2.0, "reconnected after " + retry + " s");
    }

    @Test
    void dispatcherWithTheWrongPassportIsRefused() throws Exception {
        TestDispatcher dispatcher = fixture.dispatcher("127.0.0.1", 0);
        try (LogCapture log = new LogCapture(PeerVerifier.class)) {
            DispatcherLink link = link(dispatcher.port(), Duration.ofMillis(100), Passport.parse("O:AG Projects, CN:*proxy"),
                    table);

            TestDispatcher.Connection first = dispatcher.nextConnection(WAIT);
            assertNotNull(first, "the TLS handshake itself succeeds");
            long closed = first.closed.get(5, TimeUnit.SECONDS);
            assertNull(first.nextLine(Duration.ofMillis(200)), "a refused dispatcher gets nothing");
            assertTrue(first.pings.isEmpty());
            assertFalse(link.isConnected());
            assertTrue(log.contains("refused dispatcher 127.0.0.1:" + dispatcher.port() + ": wrong passport"),
                    log.messages().toString());

            TestDispatcher.Connection second = dispatcher.nextConnection(WAIT);
            double retry = secondsBetween(closed, second.acceptedNanos);
            assertTrue(retry > 2.8 && retry < 4.5, "certificate errors wait reconnect_delay, waited " + retry + " s");
        }
    }

    @Test
    void disconnectWritesQueuedMessagesFirstAndStopsReconnecting() throws Exception {
        TestDispatcher dispatcher = fixture.dispatcher("127.0.0.1", 0);
        DispatcherLink link = link(dispatcher.port(), Duration.ofSeconds(60), DISPATCHER_PASSPORT, table);
        TestDispatcher.Connection connection = dispatcher.nextConnection(WAIT);
        waitUntilConnected(link);

        for (int i = 0; i < 200; i++) {
            assertTrue(link.send(new ExpiredNotice(InMemorySessionTable.record("call-" + i))));
        }
        link.disconnect().get(5, TimeUnit.SECONDS);
        connection.closed.get(5, TimeUnit.SECONDS);
        for (int i = 0; i < 200; i++) {
            assertEquals("expired " + InMemorySessionTable.record("call-" + i), connection.nextLine(Duration.ofSeconds(1)));
        }
        assertFalse(link.isConnected());
        assertFalse(link.send(new ExpiredNotice("{}")));
        assertNull(dispatcher.nextConnection(Duration.ofMillis(1500)), "no reconnection after disconnect");
    }

    static void waitUntilConnected(DispatcherLink link) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!link.isConnected()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("link to " + link.address() + " did not connect");
            }
            Thread.sleep(10);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }
}
