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
import org.mediaproxy.relay.testing.NetnsFixture;

/**
 * How many stream direction pairs per second the kernel path can hand over, through FFI, inside
 * a throw-away relay namespace (root). Not a test: run it with {@code scripts/entry-bench}.
 * <p>
 * Measured per entry, each on its own distinct tuples:
 * <ul>
 * <li>{@code install+remove}: the relay's pattern through {@link KernelForwarding}: inhibitors
 * added (nf_tables), 2 stale deletes + create (ctnetlink), arriving inhibitors deleted, all over
 * one raw netlink socket; later a delete echoing the DESTROY event with the final counters.
 * Installs and removes are also timed on their own;</li>
 * <li>{@code conntrack only}: the original's netlink part through libnetfilter_conntrack, for
 * reference: 2 stale deletes + create; GET counters + delete;</li>
 * <li>the same pattern in C ({@code src/test/c/conntrack-reference.c}), when the system
 * property {@code conntrackReference} names its binary: what the C library achieves under the
 * same machine load.</li>
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
                for (int round = 0; round < rounds; round++) {
                    long start = System.nanoTime();
                    tuples.forEach(kernel::install);
                    long installed = System.nanoTime();
                    tuples.forEach(entry -> kernel.remove(entry).orElseThrow());
                    long removed = System.nanoTime();
                    report("install+remove (inhibit, 2 stale deletes, create, release; delete + echoed DESTROY)",
                            round, tuples.size(), removed - start);
                    report("  of which install", round, tuples.size(), installed - start);
                    report("  of which remove", round, tuples.size(), removed - installed);
                }
            }
            try (ConntrackTable table = net.relay().call(() -> ConntrackTable.open(options.mark(), Duration.ofSeconds(60)))) {
                measure("conntrack only via libnetfilter_conntrack (2 stale deletes, create; GET + delete)", tuples, rounds,
                        entry -> {
                            table.deleteOriginal(entry.callerTuple());
                            table.deleteOriginal(entry.calleeTuple());
                            table.create(entry);
                            table.delete(entry).orElseThrow();
                        });
            }
            String reference = System.getProperty("conntrackReference");
            if (reference != null) {
                System.out.print(net.relay().exec(reference, Integer.toString(entries), Integer.toString(rounds)));
            }
        }
    }

    private static void measure(String name, List<NatEntry> tuples, int rounds, Consumer<NatEntry> operation) {
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            tuples.forEach(operation);
            report(name, round, tuples.size(), System.nanoTime() - start);
        }
    }

    private static void report(String name, int round, int entries, long nanos) {
        double seconds = nanos / 1e9;
        System.out.printf("%-90s round %d: %,9.0f entries/s (%.1f us each)%n",
                name, round, entries / seconds, seconds * 1e6 / entries);
    }

    /**
     * Distinct streams as phones make them: every stream's remotes use their own ports. (NAT
     * entries sharing one caller address and port cost the kernel a walk over all of them at
     * each create: its SNAT step looks for an existing mapping of that source.)
     */
    private static List<NatEntry> tuples(int count) throws Exception {
        if (count > 60000) {
            throw new IllegalArgumentException("at most 60000 entries per round");
        }
        InetAddress relay = NetnsFixture.RELAY_IP;
        List<NatEntry> tuples = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int port = 20000 + 4 * (i % 10000);
            int remotePort = 2000 + i;
            tuples.add(new NatEntry(new InetSocketAddress(NetnsFixture.CALLER_IP, remotePort),
                    new InetSocketAddress(relay, port),
                    new InetSocketAddress(NetnsFixture.CALLEE_IP, remotePort),
                    new InetSocketAddress(relay, port + 2)));
        }
        return tuples;
    }
}
