package org.mediaproxy.relay.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mediaproxy.common.tls.Passport;
import org.mediaproxy.relay.testing.InMemorySessionTable;
import org.mediaproxy.relay.testing.LinkFixture;
import org.mediaproxy.relay.testing.LogCapture;
import org.mediaproxy.relay.testing.TestDispatcher;

/**
 * Finding dispatchers: SRV/A selection through an injected resolver, set changes between lookups,
 * links kept until their sessions end, expired records routed back to their dispatcher. The
 * dispatchers are real TLS listeners on 127.0.0.2 and 127.0.0.3.
 */
class DispatcherDirectoryTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration DNS_INTERVAL = Duration.ofMillis(200);

    private final LinkFixture fixture = new LinkFixture();
    private final InMemorySessionTable table = new InMemorySessionTable();
    private final RelayControl control = fixture.control(table);
    private DispatcherDirectory directory;
    private int port;
    private TestDispatcher first;
    private TestDispatcher second;

    @BeforeEach
    void setUp() throws Exception {
        port = DispatcherLinkTest.freePort();
        first = fixture.dispatcher("127.0.0.2", port);
        second = fixture.dispatcher("127.0.0.3", port);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (directory != null) {
            CompletableFuture<CompletableFuture<Void>> closing = new CompletableFuture<>();
            control.execute(() -> closing.complete(directory.disconnectAll()));
            closing.get(5, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS);
        }
        fixture.close();
    }

    private void start(String... entries) {
        List<DispatcherAddress> configured = java.util.Arrays.stream(entries)
                .map(entry -> new DispatcherAddress(entry, port))
                .toList();
        LinkEnvironment env = fixture.environment(control, Passport.parse("CN:*dispatcher"), Duration.ofSeconds(60),
                Duration.ofSeconds(3));
        directory = new DispatcherDirectory(configured, DNS_INTERVAL, env);
        table.listen(directory::deliverExpired, () -> { });
        directory.start();
    }

    /** Creates a session through a dispatcher connection, as the dispatcher would. */
    private static void createSession(TestDispatcher.Connection connection, String callId, int seq) throws Exception {
        connection.send("update " + seq + "\r\ncall_id: " + callId + "\r\nfrom_tag: f\r\n\r\n");
        assertEquals(seq + " 198.18.0.1 40002", connection.nextLine(WAIT));
    }

    @Test
    void srvTargetIsUsedWithTheConfiguredPort() throws Exception {
        fixture.srv.put("_sip._udp.example.test", List.of("sip1.example.test", "sip2.example.test"));
        fixture.hosts.put("sip1.example.test", "127.0.0.2");
        fixture.hosts.put("sip2.example.test", "127.0.0.3");
        fixture.hosts.put("example.test", "127.0.0.3");
        start("example.test");

        TestDispatcher.Connection connection = first.nextConnection(WAIT);
        assertNotNull(connection, "connected to the first SRV target");
        createSession(connection, "call-1", 1);
        assertEquals(1, table.sessionCount("sip1.example.test:" + port), "sessions remember the SRV target");
        assertNull(second.nextConnection(Duration.ofMillis(800)), "neither the second target nor the A record");
        assertEquals(Set.of("sip1.example.test:" + port), directory.linkIds());
    }

    @Test
    void nameWithoutSrvRecordIsResolvedAsAHost() throws Exception {
        fixture.hosts.put("dispatcher.test", "127.0.0.3");
        start("dispatcher.test");

        TestDispatcher.Connection connection = second.nextConnection(WAIT);
        assertNotNull(connection);
        createSession(connection, "call-1", 1);
        assertEquals(1, table.sessionCount("127.0.0.3:" + port));
    }

    @Test
    void literalAddressIsUsedDirectlyAndAnUnknownNameIsSkipped() throws Exception {
        try (LogCapture log = new LogCapture(DispatcherDirectory.class)) {
            start("127.0.0.2", "nowhere.test");
            assertNotNull(first.nextConnection(WAIT));
            assertTrue(log.contains("Could resolve neither SRV nor A record for 'nowhere.test'"), log.messages().toString());
            assertEquals(Set.of("127.0.0.2:" + port), directory.linkIds());
        }
    }

    @Test
    void expiredRecordGoesBackToTheDispatcherTheSessionCameFrom() throws Exception {
        start("127.0.0.2", "127.0.0.3");
        TestDispatcher.Connection one = first.nextConnection(WAIT);
        TestDispatcher.Connection two = second.nextConnection(WAIT);
        createSession(one, "call-one", 1);
        createSession(two, "call-two", 1);

        table.expire("call-two");
        assertEquals("expired " + InMemorySessionTable.record("call-two"), two.nextLine(WAIT));
        table.expire("call-one");
        assertEquals("expired " + InMemorySessionTable.record("call-one"), one.nextLine(WAIT));
        assertNull(two.nextLine(Duration.ofMillis(300)));
    }

    @Test
    void expiredRecordForAGoneDispatcherIsLoggedAsLost() {
        start();
        try (LogCapture log = new LogCapture(DispatcherDirectory.class)) {
            directory.deliverExpired("198.18.0.9:25060", InMemorySessionTable.record("lost"));
            assertTrue(log.contains("Dispatcher 198.18.0.9:25060 is not connected: the statistics of an expired session are lost"),
                    log.messages().toString());
        }
    }

    @Test
    void removedDispatcherIsKeptUntilItsSessionsEndThenDisconnected() throws Exception {
        fixture.srv.put("_sip._udp.pool.test", List.of("a.pool.test"));
        fixture.hosts.put("a.pool.test", "127.0.0.2");
        fixture.hosts.put("b.pool.test", "127.0.0.3");
        start("pool.test");
        TestDispatcher.Connection old = first.nextConnection(WAIT);
        createSession(old, "call-1", 1);
        createSession(old, "call-2", 2);

        fixture.srv.put("_sip._udp.pool.test", List.of("b.pool.test"));
        TestDispatcher.Connection replacement = second.nextConnection(WAIT);
        assertNotNull(replacement, "the new dispatcher is connected");
        Thread.sleep(4 * DNS_INTERVAL.toMillis());
        assertFalse(old.closed.isDone(), "the old dispatcher still has sessions here");
        assertEquals(Set.of("a.pool.test:" + port, "b.pool.test:" + port), directory.linkIds());

        old.send("remove 3\r\ncall_id: call-1\r\n\r\n");
        assertEquals("3 " + InMemorySessionTable.record("call-1"), old.nextLine(WAIT));
        Thread.sleep(2 * DNS_INTERVAL.toMillis());
        assertFalse(old.closed.isDone(), "one session left");

        table.expire("call-2");
        assertEquals("expired " + InMemorySessionTable.record("call-2"), old.nextLine(WAIT));
        old.closed.get(5, TimeUnit.SECONDS);
        assertNull(first.nextConnection(Duration.ofMillis(1500)), "no reconnection to a removed dispatcher");
        assertFalse(replacement.closed.isDone());
        assertEquals(Set.of("b.pool.test:" + port), directory.linkIds());
    }

    @Test
    void dispatcherThatComesBackBeforeItsSessionsEndIsRestored() throws Exception {
        fixture.srv.put("_sip._udp.pool.test", List.of("a.pool.test"));
        fixture.hosts.put("a.pool.test", "127.0.0.2");
        fixture.hosts.put("b.pool.test", "127.0.0.3");
        start("pool.test");
        TestDispatcher.Connection original = first.nextConnection(WAIT);
        createSession(original, "call-1", 1);

        fixture.srv.put("_sip._udp.pool.test", List.of("b.pool.test"));
        assertNotNull(second.nextConnection(WAIT));
        try (LogCapture log = new LogCapture(DispatcherDirectory.class)) {
            fixture.srv.put("_sip._udp.pool.test", List.of("a.pool.test"));
            Thread.sleep(4 * DNS_INTERVAL.toMillis());
            assertTrue(log.contains("Restoring dispatcher at a.pool.test:" + port), log.messages().toString());
        }
        original.send("remove 2\r\ncall_id: call-1\r\n\r\n");
        assertEquals("2 " + InMemorySessionTable.record("call-1"), original.nextLine(WAIT));
        Thread.sleep(3 * DNS_INTERVAL.toMillis());
        assertFalse(original.closed.isDone(), "a restored dispatcher stays connected without sessions");
        assertNull(first.nextConnection(Duration.ofMillis(100)), "and it kept its connection");
    }
}
