package org.mediaproxy.relay.forwarding.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mediaproxy.relay.forwarding.kernel.ConntrackTableTest.CALL1;
import static org.mediaproxy.relay.forwarding.kernel.ConntrackTableTest.MARK;
import static org.mediaproxy.relay.forwarding.kernel.ConntrackTableTest.payload;

import java.nio.channels.DatagramChannel;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mediaproxy.relay.testing.Datagrams;
import org.mediaproxy.relay.testing.NetnsFixture;

/** The relay's own nftables table: what makes NAT entries work at all, and the inhibitors. */
class NftRulesetTest {

    static final Duration WAIT = Duration.ofSeconds(2);
    static final Duration SHORT = Duration.ofMillis(300);

    @RegisterExtension
    final NetnsFixture net = new NetnsFixture();

    @Test
    void inAFreshNamespaceNatEntriesAreIgnoredUntilTheRulesetIsInstalled() throws Exception {
        net.relay().sysctl("net.netfilter.nf_conntrack_acct", "1");
        assertFalse(net.relay().exec("nft", "list", "ruleset").contains("chain"), "no rules at all");
        NftRuleset ruleset = net.relay().call(() -> NftRuleset.open("mediaproxy", Duration.ofSeconds(2)));
        try (ConntrackTable table = net.relay().call(() -> ConntrackTable.open(MARK, Duration.ofSeconds(60)));
             DatagramChannel relaySocket = net.relay().udp(CALL1.callerLocal());
             DatagramChannel caller = net.caller().udp(CALL1.callerRemote());
             DatagramChannel callee = net.callee().udp(CALL1.calleeRemote())) {
            table.create(CALL1);

            // The original's silent failure: the kernel accepted the entry but never uses it.
            Datagrams.send(caller, payload('a', 1), CALL1.callerLocal());
            assertTrue(Datagrams.receive(relaySocket, WAIT).isPresent(), "delivered to userspace instead");
            assertTrue(Datagrams.receive(callee, SHORT).isEmpty());
            assertEquals(FlowCounters.ZERO, table.counters(CALL1).orElseThrow());

            ruleset.install();

            Datagrams.send(caller, payload('a', 2), CALL1.callerLocal());
            assertEquals(CALL1.calleeLocal(), Datagrams.receive(callee, WAIT).orElseThrow().source());
            assertTrue(Datagrams.receive(relaySocket, SHORT).isEmpty());
            assertEquals(new FlowCounters(1, 200, 0, 0), table.counters(CALL1).orElseThrow());
        } finally {
            ruleset.remove();
            ruleset.close();
        }
    }

    @Test
    void inhibitedTuplesAreNotTrackedUntilReleased() throws Exception {
        NftRuleset ruleset = net.relay().call(() -> NftRuleset.open("mediaproxy", Duration.ofSeconds(5)));
        ruleset.install();
        try (DatagramChannel relayCallerSide = net.relay().udp(CALL1.callerLocal());
             DatagramChannel caller = net.caller().udp(CALL1.callerRemote())) {
            ruleset.inhibit(CALL1);
            assertTrue(ruleset.list().contains("198.18.1.2 . 4000 . 198.18.0.1 . 40000"), ruleset.list());

            Datagrams.send(caller, payload('a', 1), CALL1.callerLocal());
            assertTrue(Datagrams.receive(relayCallerSide, WAIT).isPresent());
            Datagrams.send(relayCallerSide, payload('b', 1), CALL1.callerRemote());
            assertTrue(Datagrams.receive(caller, WAIT).isPresent());
            assertFalse(conntrackHas("dport=40000"), "inhibited packets create no conntrack entry");
            assertFalse(conntrackHas("sport=40000"), "the relay's own sends on the stream are not tracked either");

            ruleset.release(CALL1);
            assertFalse(ruleset.list().contains("198.18.1.2 . 4000 . 198.18.0.1 . 40000"), ruleset.list());
            Datagrams.send(caller, payload('a', 2), CALL1.callerLocal());
            assertTrue(Datagrams.receive(relayCallerSide, WAIT).isPresent());
            assertTrue(conntrackHas("dport=40000"), "tracked again after release");
        } finally {
            ruleset.remove();
            ruleset.close();
        }
    }

    @Test
    void installReplacesLeftoversAndRemoveIsIdempotent() {
        NftRuleset ruleset = net.relay().call(() -> NftRuleset.open("mediaproxy", Duration.ofSeconds(30)));
        try {
            ruleset.install();
            ruleset.inhibit(CALL1);
            ruleset.install();
            assertFalse(ruleset.list().contains("198.18.1.2"), "old inhibitors gone");
            assertTrue(ruleset.list().contains("ct state new counter"), ruleset.list());
            assertEquals(1, net.relay().exec("nft", "list", "tables").strip().lines().count());

            ruleset.remove();
            ruleset.remove();
            assertEquals("", net.relay().exec("nft", "list", "tables").strip());
        } finally {
            ruleset.close();
        }
    }

    @Test
    void releaseToleratesInhibitorsThatAlreadyExpired() throws Exception {
        NftRuleset ruleset = net.relay().call(() -> NftRuleset.open("mediaproxy", Duration.ofMillis(50)));
        try {
            ruleset.install();
            ruleset.inhibit(CALL1);
            Thread.sleep(300);
            ruleset.release(CALL1);
            ruleset.release(CALL1);
            assertFalse(ruleset.list().contains("198.18.1.2 . 4000 . 198.18.0.1 . 40000"), ruleset.list());
        } finally {
            ruleset.remove();
            ruleset.close();
        }
    }

    private boolean conntrackHas(String marker) {
        return net.relay().exec("conntrack", "-L", "-p", "udp").contains(marker);
    }
}
