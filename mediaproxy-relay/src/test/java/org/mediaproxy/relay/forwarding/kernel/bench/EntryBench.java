package org.mediaproxy.relay.forwarding.kernel.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.mediaproxy.relay.forwarding.kernel.ConntrackTable;
import org.mediaproxy.relay.forwarding.kernel.KernelForwarding;
import org.mediaproxy.relay.forwarding.kernel.KernelOptions;
import org.mediaproxy.relay.forwarding.kernel.NatEntry;
import org.mediaproxy.relay.forwarding.kernel.NftRuleset;
import org.mediaproxy.relay.testing.NetnsFixture;

/**
 * How many stream direction pairs per second the kernel path can hand over, through FFI, inside
 * a throw-away relay namespace (root). Not a test: run it with {@code scripts/entry-bench}.
 * <p>
 * Measured per entry, each on its own distinct tuples:
 * <ul>
 * <li>{@code install+remove}: the relay's pattern: inhibit both tuples (nftables), delete stale
 * entries of both, create the NAT entry, release the inhibitors; later GET counters + delete
 * and wait for the DESTROY event carrying the final counters;</li>
 * <li>{@code conntrack only}: the original's netlink part: 2 stale deletes + create + delete;</li>
 * <li>{@code nft inhibit+release}: the two libnftables transactions alone.</li>
 * </ul>
 * Arguments: entries per round (default 2000), rounds (default 3).
 */
public final class EntryBench {

    private EntryBench() {
    }

    public static void main(String[] args) throws Exception {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<NatEntry> tuples = tuples(entries);
        KernelOptions options = KernelOptions.defaults().withSelfTest(false);
        try (NetnsFixture net = NetnsFixture.create()) {
            try (KernelForwarding kernel = net.relay().call(() -> KernelForwarding.start(options, (e, c) -> { }))) {
                measure("install+remove (inhibit, 2 stale deletes, create, release; delete + DESTROY event)",
                        tuples, rounds, entry -> {
                            kernel.install(entry);
                            kernel.remove(entry).orElseThrow();
                        });
            }
            try (ConntrackTable table = net.relay().call(() -> ConntrackTable.open(options.mark(), Duration.ofSeconds(60)))) {
                measure("conntrack only (2 stale deletes, create, delete)", tuples, rounds, entry -> {
                    table.deleteOriginal(entry.callerTuple());
                    table.deleteOriginal(entry.calleeTuple());
                    table.create(entry);
                    table.delete(entry).orElseThrow();
                });
            }
            NftRuleset ruleset = net.relay().call(() -> NftRuleset.open("mediaproxybench", Duration.ofSeconds(2)));
            try {
                ruleset.install();
                measure("nft inhibit+release (2 libnftables transactions)", tuples, rounds, entry -> {
                    ruleset.inhibit(entry);
                    ruleset.release(entry);
                });
            } finally {
                ruleset.remove();
                ruleset.close();
            }
        }
    }

    private static void measure(String name, List<NatEntry> tuples, int rounds, Consumer<NatEntry> operation) {
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            tuples.forEach(operation);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%-90s round %d: %,9.0f entries/s (%.1f us each)%n",
                    name, round, tuples.size() / seconds, seconds * 1e6 / tuples.size());
        }
    }

    private static List<NatEntry> tuples(int count) throws Exception {
        InetAddress relay = NetnsFixture.RELAY_IP;
        List<NatEntry> tuples = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int port = 20000 + 4 * (i % 10000);
            int remotePort = 1024 + i / 10000;
            tuples.add(new NatEntry(new InetSocketAddress(NetnsFixture.CALLER_IP, remotePort),
                    new InetSocketAddress(relay, port),
                    new InetSocketAddress(NetnsFixture.CALLEE_IP, remotePort),
                    new InetSocketAddress(relay, port + 2)));
        }
        return tuples;
    }
}
