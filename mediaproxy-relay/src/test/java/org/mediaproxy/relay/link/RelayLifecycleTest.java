package org.mediaproxy.relay.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mediaproxy.common.tls.Passport;
import org.mediaproxy.relay.testing.InMemorySessionTable;
import org.mediaproxy.relay.testing.LinkFixture;
import org.mediaproxy.relay.testing.TestDispatcher;

/** SIGHUP and SIGTERM as the dispatchers see them (behaviours 116-118), with real links. */
class RelayLifecycleTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final LinkFixture fixture = new LinkFixture();
    private final InMemorySessionTable table = new InMemorySessionTable();
    private final RelayControl control = fixture.control(table);
    private final List<String> statuses = Collections.synchronizedList(new ArrayList<>());
    private RelayLifecycle lifecycle;

    @AfterEach
    void tearDown() throws Exception {
        if (lifecycle != null) {
            lifecycle.terminate("end of test");
            lifecycle.stopped().get(10, TimeUnit.SECONDS);
        }
        fixture.close();
    }

    private void start(TestDispatcher... dispatchers) {
        List<DispatcherAddress> addresses = new ArrayList<>();
        for (TestDispatcher dispatcher : dispatchers) {
            addresses.add(new DispatcherAddress("127.0.0.1", dispatcher.port()));
        }
        LinkEnvironment env = fixture.environment(control, Passport.NONE, Duration.ofSeconds(60), Duration.ofSeconds(3));
        DispatcherDirectory directory = new DispatcherDirectory(addresses, Duration.ofSeconds(60), env);
        lifecycle = new RelayLifecycle(control, directory, fixture.dns, statuses::add);
        table.listen(lifecycle::expired, lifecycle::idle);
        lifecycle.start();
    }

    private static String command(TestDispatcher.Connection connection, String command) throws Exception {
        connection.send(command);
        return connection.nextLine(WAIT);
    }

    private static String update(String callId, int seq) {
        return "update " + seq + "\r\ncall_id: " + callId + "\r\nfrom_tag: f\r\n\r\n";
    }

    @Test
    void hangupWithoutSessionsStopsAtOnce() throws Exception {
        TestDispatcher dispatcher = fixture.dispatcher("127.0.0.1", 0);
        start(dispatcher);
        TestDispatcher.Connection connection = dispatcher.nextConnection(WAIT);
        assertEquals("0 []", command(connection, "sessions 0\r\n\r\n"));

        long hangup = System.nanoTime();
        lifecycle.hangup();
        lifecycle.stopped().get(5, TimeUnit.SECONDS);
        assertTrue(System.nanoTime() - hangup < TimeUnit.SECONDS.toNanos(2), "stopped promptly");
        connection.closed.get(5, TimeUnit.SECONDS);
        assertNull(dispatcher.nextConnection(Duration.ofMillis(1500)), "no reconnection");
        lifecycle = null;
    }

    @Test
    void hangupDrainsTheSessionsThenStops() throws Exception {
        TestDispatcher dispatcher = fixture.dispatcher("127.0.0.1", 0);
        start(dispatcher);
        TestDispatcher.Connection connection = dispatcher.nextConnection(WAIT);
        assertEquals("1 198.18.0.1 40002", command(connection, update("call-1", 1)));
        assertEquals("2 198.18.0.1 40002", command(connection, update("call-2", 2)));

        lifecycle.hangup();
        assertEquals("3 {\"status\": \"halting\", \"session_count\": 2}", command(connection, "summary 3\r\n\r\n"));
        assertEquals("4 halting", command(connection, update("call-3", 4)), "new sessions are refused");
        assertEquals("5 198.18.0.1 40000", command(connection, update("call-1", 5)), "existing ones still work");
        waitForStatus("halting, waiting for 2 sessions to end");

        assertEquals("6 " + InMemorySessionTable.record("call-1"), command(connection, "remove 6\r\ncall_id: call-1\r\n\r\n"));
        waitForStatus("halting, waiting for 1 session to end");
        assertFalse(lifecycle.stopped().isDone());
        assertFalse(connection.closed.isDone());

        assertEquals("7 " + InMemorySessionTable.record("call-2"), command(connection, "remove 7\r\ncall_id: call-2\r\n\r\n"));
        lifecycle.stopped().get(5, TimeUnit.SECONDS);
        connection.closed.get(5, TimeUnit.SECONDS);
        assertNull(dispatcher.nextConnection(Duration.ofMillis(1500)), "no reconnection");
        lifecycle = null;
    }

    @Test
    void hangupEndsWhenTheLastSessionExpires() throws Exception {
        TestDispatcher dispatcher = fixture.dispatcher("127.0.0.1", 0);
        start(dispatcher);
        TestDispatcher.Connection connection = dispatcher.nextConnection(WAIT);
        assertEquals("1 198.18.0.1 40002", command(connection, update("call-1", 1)));

        lifecycle.hangup();
        table.expire("call-1");
        assertEquals("expired " + InMemorySessionTable.record("call-1"), connection.nextLine(WAIT));
        lifecycle.stopped().get(5, TimeUnit.SECONDS);
        connection.closed.get(5, TimeUnit.SECONDS);
        lifecycle = null;
    }

    @Test
    void terminateDeliversEveryExpiredRecordBeforeDisconnecting() throws Exception {
        TestDispatcher first = fixture.dispatcher("127.0.0.1", 0);
        TestDispatcher second = fixture.dispatcher("127.0.0.1", 0);
        start(first, second);
        TestDispatcher.Connection one = first.nextConnection(WAIT);
        TestDispatcher.Connection two = second.nextConnection(WAIT);
        assertNotNull(one);
        assertNotNull(two);
        Set<String> expectedOne = new HashSet<>();
        Set<String> expectedTwo = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            TestDispatcher.Connection via = i % 3 == 0 ? two : one;
            String callId = "call-" + i;
            assertEquals(i + " 198.18.0.1 40002", command(via, update(callId, i)));
            (via == one ? expectedOne : expectedTwo).add("expired " + InMemorySessionTable.record(callId));
        }

        lifecycle.terminate("SIGTERM");
        lifecycle.stopped().get(10, TimeUnit.SECONDS);
        one.closed.get(5, TimeUnit.SECONDS);
        two.closed.get(5, TimeUnit.SECONDS);
        // Lines are queued as they are read, so after the close every line that arrived is here.
        assertEquals(expectedOne, new HashSet<>(one.lines));
        assertEquals(expectedTwo, new HashSet<>(two.lines));
        assertTrue(table.isIdle());
        assertNull(first.nextConnection(Duration.ofMillis(1500)), "no reconnection");
        lifecycle = null;
    }

    private void waitForStatus(String status) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!statuses.contains(status)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("status '" + status + "' never shown; got " + statuses);
            }
            Thread.sleep(20);
        }
    }
}
