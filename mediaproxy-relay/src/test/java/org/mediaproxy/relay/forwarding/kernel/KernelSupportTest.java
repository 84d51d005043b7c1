package org.mediaproxy.relay.forwarding.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mediaproxy.relay.testing.NetnsFixture;

/** Start-up checks (behaviours 96, 97, 101 as the issue revises them: fall back with a reason). */
class KernelSupportTest {

    @RegisterExtension
    final NetnsFixture net = new NetnsFixture();

    @Test
    void selfTestPassesInTheRelayNamespaceAndLeavesNothingBehind() {
        KernelSupport.Result result = net.relay().call(() -> KernelSupport.check(KernelOptions.defaults()));

        assertEquals(KernelSupport.Result.ok(), result);
        assertLeftNothing();
    }

    @Test
    void setsIpForwardAndConntrackAccountingWhenAllowed() {
        net.relay().sysctl("net.ipv4.ip_forward", "0");
        net.relay().sysctl("net.netfilter.nf_conntrack_acct", "0");

        KernelSupport.Result result = net.relay().call(() -> KernelSupport.check(KernelOptions.defaults()));

        assertEquals(KernelSupport.Result.ok(), result);
        assertEquals("1", net.relay().sysctl("net.ipv4.ip_forward"));
        assertEquals("1", net.relay().sysctl("net.netfilter.nf_conntrack_acct"));
    }

    @Test
    void namesTheSysctlWhenNotAllowedToSetIt() {
        net.relay().sysctl("net.ipv4.ip_forward", "0");
        KernelOptions hands = KernelOptions.defaults().withAdjustSysctls(false);

        KernelSupport.Result forwarding = net.relay().call(() -> KernelSupport.check(hands));

        assertFalse(forwarding.available());
        assertTrue(forwarding.reason().contains("net.ipv4.ip_forward is not 1"), forwarding.reason());
        assertTrue(forwarding.reason().contains("sysctl -w net.ipv4.ip_forward=1"), forwarding.reason());
        assertEquals("0", net.relay().sysctl("net.ipv4.ip_forward"));

        net.relay().sysctl("net.ipv4.ip_forward", "1");
        net.relay().sysctl("net.netfilter.nf_conntrack_acct", "0");
        KernelSupport.Result accounting = net.relay().call(() -> KernelSupport.check(hands));

        assertFalse(accounting.available());
        assertTrue(accounting.reason().contains("net.netfilter.nf_conntrack_acct is not 1"), accounting.reason());
        assertLeftNothing();
    }

    @Test
    void selfTestReportsWhyWhenTheFirewallDropsForwardedPackets() {
        net.relay().exec("nft", "add table ip hostfw; add chain ip hostfw forward "
                + "{ type filter hook forward priority 0; policy drop; }");

        KernelSupport.Result result = net.relay().call(() -> KernelSupport.check(KernelOptions.defaults()));

        assertFalse(result.available());
        assertTrue(result.reason().contains("accepted but not applied"), result.reason());
        assertTrue(result.reason().contains("FORWARD"), result.reason());
        assertLeftNothing();
        assertTrue(net.relay().exec("nft", "list", "tables").contains("hostfw"), "foreign tables untouched");
    }

    private void assertLeftNothing() {
        assertFalse(net.relay().exec("nft", "list", "tables").contains(NftRuleset.DEFAULT_TABLE));
        assertFalse(net.relay().exec("ip", "link").contains("mpxst"), "probe link removed");
        assertFalse(net.relay().exec("conntrack", "-L", "-m", Integer.toString(KernelOptions.DEFAULT_MARK))
                .contains("udp"), "no entries with our mark");
    }
}
