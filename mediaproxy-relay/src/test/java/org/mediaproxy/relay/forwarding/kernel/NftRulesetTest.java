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

/** The relay's own nftables table: what makes NAT entries work at all; replaced and removed whole. */
class NftRulesetTest {

    static final Duration WAIT = Duration.ofSeconds(2);
    static final Duration SHORT = Duration.ofMillis(300);

    @RegisterExtension
    final NetnsFixture net = new NetnsFixture();

    @Test
    void inAFreshNamespaceNatEntriesAreIgnoredUntilTheRulesetIsInstalled() throws Exception {
        net.relay().sysctl("net.netfilter.nf_conntrack_acct", "1");
        assertFalse(net.relay().exec("nft", "list", "ruleset").contains("chain"), "no rules at all");
        NftRuleset ruleset = net.relay().call(() -> NftRuleset.open("mediaproxy"));
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
    void installReplacesLeftoversAndRemoveIsIdempotent() {
        NftRuleset ruleset = net.relay().call(() -> NftRuleset.open("mediaproxy"));
        try (EntryInstaller installer = net.relay().call(() -> EntryInstaller.open(MARK, Duration.ofSeconds(60),
                "mediaproxy", Duration.ofSeconds(30)))) {
            ruleset.install();
            installer.inhibit(CALL1);
            assertTrue(ruleset.list().contains("198.18.1.2"), ruleset.list());
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
}
