package org.mediaproxy.relay.forwarding.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mediaproxy.relay.forwarding.kernel.ConntrackTableTest.CALL1;
import static org.mediaproxy.relay.forwarding.kernel.ConntrackTableTest.MARK;
import static org.mediaproxy.relay.forwarding.kernel.ConntrackTableTest.payload;

import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mediaproxy.relay.testing.Datagrams;
import org.mediaproxy.relay.testing.NetnsFixture;

/** The raw netlink hot path: inhibitors, install with stale-entry clean-up, removal with exact final counters. */
class EntryInstallerTest {

    static final Duration WAIT = Duration.ofSeconds(2);

    @RegisterExtension
    final NetnsFixture net = new NetnsFixture();

    private NftRuleset ruleset;

    @BeforeEach
    void rulesetInstalled() {
        net.relay().sysctl("net.netfilter.nf_conntrack_acct", "1");
        ruleset = net.relay().call(() -> NftRuleset.open(NftRuleset.DEFAULT_TABLE));
        ruleset.install();
    }

    @AfterEach
    void rulesetRemoved() {
        ruleset.remove();
        ruleset.close();
    }

    @Test
    void inhibitedTuplesAreNotTrackedUntilReleased() throws Exception {
        try (EntryInstaller installer = open(Duration.ofSeconds(5));
             DatagramChannel relayCallerSide = net.relay().udp(CALL1.callerLocal());
             DatagramChannel caller = net.caller().udp(CALL1.callerRemote())) {
            installer.inhibit(CALL1);
            assertTrue(ruleset.list().contains("198.18.1.2 . 4000 . 198.18.0.1 . 40000"), ruleset.list());
            assertTrue(ruleset.list().contains("198.18.0.1 . 40000 . 198.18.1.2 . 4000"), "outgoing too: " + ruleset.list());

            Datagrams.send(caller, payload('a', 1), CALL1.callerLocal());
            assertTrue(Datagrams.receive(relayCallerSide, WAIT).isPresent());
            Datagrams.send(relayCallerSide, payload('b', 1), CALL1.callerRemote());
            assertTrue(Datagrams.receive(caller, WAIT).isPresent());
            assertFalse(conntrackHas("dport=40000"), "inhibited packets create no conntrack entry");
            assertFalse(conntrackHas("sport=40000"), "the relay's own sends on the stream are not tracked either");

            installer.release(CALL1);
            assertFalse(ruleset.list().contains("198.18.1.2 . 4000 . 198.18.0.1 . 40000"), ruleset.list());
            assertTrue(ruleset.list().contains("198.18.0.1 . 40000 . 198.18.1.2 . 4000"), "outgoing stays a while");
            Datagrams.send(caller, payload('a', 2), CALL1.callerLocal());
            assertTrue(Datagrams.receive(relayCallerSide, WAIT).isPresent());
            assertTrue(conntrackHas("dport=40000"), "tracked again after release");
        }
    }

    @Test
    void releaseToleratesInhibitorsThatAlreadyExpired() throws Exception {
        try (EntryInstaller installer = open(Duration.ofMillis(50))) {
            installer.inhibit(CALL1);
            Thread.sleep(300);
            installer.release(CALL1);
            installer.release(CALL1);
            assertFalse(ruleset.list().contains("198.18.1.2 . 4000 . 198.18.0.1 . 40000"), ruleset.list());
        }
    }

    @Test
    void installReplacesTheStaleEntryAndRemoveReturnsTheExactFinalCountersOfOurEntryOnly() throws Exception {
        // The kernel echoes events only for entries born while some listener is subscribed.
        try (DestroyWatcher watcher = net.relay().call(() -> DestroyWatcher.start(MARK, (entry, counters) -> { }));
             EntryInstaller installer = open(Duration.ofSeconds(2));
             DatagramChannel relayCallerSide = net.relay().udp(CALL1.callerLocal());
             DatagramChannel caller = net.caller().udp(CALL1.callerRemote());
             DatagramChannel callee = net.callee().udp(CALL1.calleeRemote())) {
            // Userspace traffic first: an ordinary entry now holds the caller tuple.
            Datagrams.send(caller, payload('a', 0), CALL1.callerLocal());
            assertTrue(Datagrams.receive(relayCallerSide, WAIT).isPresent());
            assertTrue(conntrackHas("dport=40000"));

            installer.install(CALL1);
            assertTrue(net.relay().exec("conntrack", "-L", "-m", Integer.toString(MARK)).contains("dport=40000"));
            for (int i = 1; i <= 5; i++) {
                Datagrams.send(caller, payload('a', i), CALL1.callerLocal());
                assertEquals(CALL1.calleeLocal(), Datagrams.receive(callee, WAIT).orElseThrow().source());
            }
            Datagrams.send(callee, payload('b', 1), CALL1.calleeLocal());
            assertEquals(CALL1.callerLocal(), Datagrams.receive(caller, WAIT).orElseThrow().source());

            assertEquals(Optional.of(new FlowCounters(5, 1000, 1, 200)), installer.remove(CALL1));
            assertFalse(conntrackHas("dport=40000"));
            assertEquals(Optional.empty(), installer.remove(CALL1), "gone");

            // After the kernel gave the stream back, userspace traffic makes an ordinary entry
            // again: removing deletes it but reports nothing, since its packets were relayed
            // (and counted) in userspace.
            Datagrams.send(caller, payload('a', 6), CALL1.callerLocal());
            assertTrue(Datagrams.receive(relayCallerSide, WAIT).isPresent());
            assertTrue(conntrackHas("dport=40000"));
            assertEquals(Optional.empty(), installer.remove(CALL1));
        }
    }

    @Test
    void withoutItsTableTheInstallChangesNothingAndSaysWhy() {
        ruleset.remove();
        try (EntryInstaller installer = open(Duration.ofSeconds(2))) {
            NftException failure = assertThrows(NftException.class, () -> installer.install(CALL1));
            assertTrue(failure.getMessage().contains("No such file or directory"), failure.getMessage());
            assertFalse(conntrackHas("dport=40000"), "no entry created without inhibitors");
        }
    }

    private EntryInstaller open(Duration inhibitTimeout) {
        return net.relay().call(() -> EntryInstaller.open(MARK, Duration.ofSeconds(60), NftRuleset.DEFAULT_TABLE,
                inhibitTimeout));
    }

    private boolean conntrackHas(String marker) {
        return net.relay().exec("conntrack", "-L", "-p", "udp").contains(marker);
    }
}
