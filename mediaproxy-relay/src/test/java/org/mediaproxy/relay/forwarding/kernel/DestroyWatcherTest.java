package org.mediaproxy.relay.forwarding.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mediaproxy.relay.forwarding.kernel.ConntrackTableTest.CALL1;
import static org.mediaproxy.relay.forwarding.kernel.ConntrackTableTest.MARK;
import static org.mediaproxy.relay.forwarding.kernel.ConntrackTableTest.payload;

import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mediaproxy.relay.testing.Datagrams;
import org.mediaproxy.relay.testing.NetnsFixture;

/** DESTROY events: how the relay learns that the kernel expired a stream, with its final counters. */
class DestroyWatcherTest {

    record Event(NatEntry entry, FlowCounters counters, long atNanos) {
    }

    @RegisterExtension
    final NetnsFixture net = new NetnsFixture();

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private NftRuleset ruleset;

    @BeforeEach
    void kernelPathReady() {
        net.relay().sysctl("net.netfilter.nf_conntrack_acct", "1");
        ruleset = net.relay().call(() -> NftRuleset.open(NftRuleset.DEFAULT_TABLE));
        ruleset.install();
    }

    @Test
    void idleEntryExpiresWithItsFinalCounters() throws Exception {
        // Per-namespace UDP timeouts, short so the entry dies soon after the last packet.
        net.relay().sysctl("net.netfilter.nf_conntrack_udp_timeout", "1");
        net.relay().sysctl("net.netfilter.nf_conntrack_udp_timeout_stream", "2");
        try (DestroyWatcher watcher = net.relay().call(() -> DestroyWatcher.start(MARK, this::record));
             ConntrackTable table = net.relay().call(() -> ConntrackTable.open(MARK, Duration.ofSeconds(2)));
             DatagramChannel caller = net.caller().udp(CALL1.callerRemote());
             DatagramChannel callee = net.callee().udp(CALL1.calleeRemote())) {
            table.create(CALL1);
            for (int i = 0; i < 3; i++) {
                Datagrams.send(caller, payload('a', i), CALL1.callerLocal());
                assertTrue(Datagrams.receive(callee, Duration.ofSeconds(3)).isPresent());
                Datagrams.send(callee, payload('b', i), CALL1.calleeLocal());
                assertTrue(Datagrams.receive(caller, Duration.ofSeconds(3)).isPresent());
            }
            long lastPacket = System.nanoTime();

            Event expired = awaitExpiry(table);
            assertNotNull(expired, "no DESTROY event after the entry timed out");
            assertEquals(CALL1, expired.entry());
            assertEquals(new FlowCounters(3, 600, 3, 600), expired.counters());
            assertTrue(expired.atNanos() - lastPacket >= TimeUnit.MILLISECONDS.toNanos(1500),
                    "expired too early");
            assertTrue(table.counters(CALL1).isEmpty());
        } finally {
            ruleset.remove();
        }
    }

    @Test
    void idleEntryWithoutTrafficExpiresAfterItsInitialTimeout() throws Exception {
        try (DestroyWatcher watcher = net.relay().call(() -> DestroyWatcher.start(MARK, this::record));
             ConntrackTable table = net.relay().call(() -> ConntrackTable.open(MARK, Duration.ofSeconds(1)))) {
            long created = System.nanoTime();
            table.create(CALL1);
            Event expired = awaitExpiry(table);
            assertNotNull(expired, "no DESTROY event after the initial timeout");
            assertEquals(CALL1, expired.entry());
            assertEquals(FlowCounters.ZERO, expired.counters());
            assertTrue(expired.atNanos() - created >= TimeUnit.MILLISECONDS.toNanos(900), "expired too early");
        } finally {
            ruleset.remove();
        }
    }

    @Test
    void deletedEntryIsReportedWithTheCountersDeleteReturnedAndForeignEntriesAreNot() throws Exception {
        try (DestroyWatcher watcher = net.relay().call(() -> DestroyWatcher.start(MARK, this::record));
             ConntrackTable table = net.relay().call(() -> ConntrackTable.open(MARK, Duration.ofSeconds(60)));
             ConntrackTable foreign = net.relay().call(() -> ConntrackTable.open(MARK + 1, Duration.ofSeconds(60)));
             DatagramChannel relaySocket = net.relay().udp(CALL1.callerLocal());
             DatagramChannel caller = net.caller().udp(CALL1.callerRemote());
             DatagramChannel callee = net.callee().udp(CALL1.calleeRemote())) {
            // An ordinary entry (made by a packet to the userspace socket) and one with another
            // mark: their deaths are not ours to report.
            Datagrams.send(caller, payload('a', 0), CALL1.callerLocal());
            assertTrue(Datagrams.receive(relaySocket, Duration.ofSeconds(3)).isPresent());
            assertTrue(table.deleteOriginal(CALL1.callerTuple()));
            foreign.create(CALL1);
            assertTrue(foreign.delete(CALL1).isPresent());

            table.create(CALL1);
            for (int i = 0; i < 5; i++) {
                Datagrams.send(caller, payload('a', i), CALL1.callerLocal());
                assertTrue(Datagrams.receive(callee, Duration.ofSeconds(3)).isPresent());
            }
            FlowCounters returned = table.delete(CALL1).orElseThrow();
            assertEquals(new FlowCounters(5, 1000, 0, 0), returned);

            Event deleted = events.poll(5, TimeUnit.SECONDS);
            assertNotNull(deleted, "no DESTROY event after delete");
            assertEquals(CALL1, deleted.entry());
            assertEquals(returned, deleted.counters());
            assertNull(events.poll(500, TimeUnit.MILLISECONDS), "unexpected event");

            long closing = System.nanoTime();
            watcher.close();
            assertTrue(System.nanoTime() - closing < TimeUnit.SECONDS.toNanos(1), "close must be prompt");
            table.create(CALL1);
            table.delete(CALL1);
            assertNull(events.poll(500, TimeUnit.MILLISECONDS), "event after close");
        } finally {
            ruleset.remove();
        }
    }

    /**
     * The kernel's conntrack garbage collector runs about once a minute on an idle table, so an
     * expired entry may wait that long before it is reaped and reported. A dump reaps expired
     * entries on its way (as KernelForwarding's periodic sweep does): do one every half second.
     */
    private Event awaitExpiry(ConntrackTable table) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            Event event = events.poll(500, TimeUnit.MILLISECONDS);
            if (event != null) {
                return event;
            }
            table.listOwn();
        }
        return null;
    }

    private void record(NatEntry entry, FlowCounters counters) {
        events.add(new Event(entry, counters, System.nanoTime()));
    }
}
