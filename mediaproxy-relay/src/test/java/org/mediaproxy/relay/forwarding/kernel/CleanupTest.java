package org.mediaproxy.relay.forwarding.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mediaproxy.relay.forwarding.kernel.ConntrackTableTest.CALL1;
import static org.mediaproxy.relay.forwarding.kernel.ConntrackTableTest.payload;
import static org.mediaproxy.relay.testing.NetnsFixture.CALLEE_IP;
import static org.mediaproxy.relay.testing.NetnsFixture.CALLER_IP;
import static org.mediaproxy.relay.testing.NetnsFixture.RELAY_IP;
import static org.mediaproxy.relay.testing.NetnsFixture.address;

import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mediaproxy.relay.testing.Datagrams;
import org.mediaproxy.relay.testing.NetnsFixture;

/** The relay never leaks conntrack entries or nftables rules: not on exit, not after a crash. */
class CleanupTest {

    static final NatEntry CALL1_RTCP = new NatEntry(address(CALLER_IP, 4001), address(RELAY_IP, 40001),
            address(CALLEE_IP, 5001), address(RELAY_IP, 40003));
    static final NatEntry OTHER_SOFTWARE = new NatEntry(address(CALLER_IP, 7000), address(RELAY_IP, 7000),
            address(CALLEE_IP, 7002), address(RELAY_IP, 7002));

    final KernelOptions options = KernelOptions.defaults().withSelfTest(false);

    @RegisterExtension
    final NetnsFixture net = new NetnsFixture();

    @Test
    void closeDeletesRemainingEntriesTheTableAndItsThreads() {
        KernelForwarding kernel = net.relay().call(() -> KernelForwarding.start(options, (entry, counters) -> { }));
        kernel.install(CALL1);
        kernel.install(CALL1_RTCP);
        assertEquals(2, ownEntriesInKernel());

        kernel.close();

        assertEquals(0, ownEntriesInKernel());
        assertFalse(net.relay().exec("nft", "list", "tables").contains("mediaproxy"));
        Set<String> threads = Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive).map(Thread::getName).collect(java.util.stream.Collectors.toSet());
        assertFalse(threads.contains("conntrack-destroy-watcher"), threads.toString());
        assertFalse(threads.contains("conntrack-expiry-sweep"), threads.toString());
    }

    @Test
    void aRestartDeletesWhatACrashedRunLeftBehindAndNothingElse() throws Exception {
        // The crashed run: ruleset with an inhibitor half-way through an install, two entries,
        // handles gone with the process. Another program's entry carries another mark.
        net.relay().run(() -> {
            NftRuleset ruleset = NftRuleset.open(options.table());
            ruleset.install();
            ruleset.close();
            try (EntryInstaller installer = EntryInstaller.open(options.mark(), Duration.ofSeconds(60),
                    options.table(), Duration.ofSeconds(60))) {
                installer.inhibit(CALL1_RTCP);
            }
            try (ConntrackTable crashed = ConntrackTable.open(options.mark(), Duration.ofSeconds(60));
                 ConntrackTable foreign = ConntrackTable.open(options.mark() + 1, Duration.ofSeconds(60))) {
                crashed.create(CALL1);
                crashed.create(CALL1_RTCP);
                foreign.create(OTHER_SOFTWARE);
                assertEquals(Set.of(CALL1, CALL1_RTCP), crashed.listOwn().keySet(), "found for re-adoption");
            }
        });
        assertEquals(2, ownEntriesInKernel());

        try (KernelForwarding restarted = net.relay().call(() -> KernelForwarding.start(options, (entry, counters) -> { }));
             DatagramChannel caller = net.caller().udp(CALL1.callerRemote());
             DatagramChannel callee = net.callee().udp(CALL1.calleeRemote())) {
            assertEquals(0, ownEntriesInKernel());
            assertFalse(net.relay().exec("nft", "list", "table", "ip", "mediaproxy").contains("198.18.1.2"),
                    "leftover inhibitor gone");
            assertTrue(net.relay().exec("conntrack", "-L", "-m", Integer.toString(options.mark() + 1))
                    .contains("dport=7000"), "other software's entry untouched");

            restarted.install(CALL1);
            Datagrams.send(caller, payload('a', 0), CALL1.callerLocal());
            assertEquals(CALL1.calleeLocal(), Datagrams.receive(callee, Duration.ofSeconds(2)).orElseThrow().source());
        }
        assertEquals(0, ownEntriesInKernel());
        assertEquals("", net.relay().exec("nft", "list", "tables").strip());
    }

    private long ownEntriesInKernel() {
        return net.relay().exec("conntrack", "-L", "-m", Integer.toString(options.mark())).lines()
                .filter(line -> line.startsWith("udp")).count();
    }
}
