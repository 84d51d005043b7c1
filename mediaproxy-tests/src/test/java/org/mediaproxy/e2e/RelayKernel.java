package org.mediaproxy.e2e;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mediaproxy.relay.forwarding.kernel.KernelOptions;
import org.mediaproxy.relay.forwarding.kernel.NftRuleset;
import org.mediaproxy.relay.testing.Namespace;

/**
 * What the kernel of the relay's network namespace shows, through the operator's tools: the
 * relay's conntrack entries ({@code conntrack -L -m <mark>}), its nftables table, and how many
 * UDP datagrams any socket of the namespace received or sent ({@code /proc/net/snmp}).
 */
final class RelayKernel {

    /**
     * One of the relay's conntrack entries: the caller's packets go {@code callerRemote →
     * callerLocal}, the callee's {@code calleeRemote → calleeLocal} (the reply direction).
     */
    record Entry(InetSocketAddress callerRemote, InetSocketAddress callerLocal, InetSocketAddress calleeRemote,
            InetSocketAddress calleeLocal, long callerPackets, long calleePackets, long mark) {
    }

    /** UDP datagrams delivered to and sent from sockets of the namespace, all processes together. */
    record UdpDatagrams(long received, long sent) {
    }

    private final Namespace namespace;

    RelayKernel(Namespace namespace) {
        this.namespace = namespace;
    }

    List<Entry> ownEntries() {
        List<Entry> entries = new ArrayList<>();
        String listing = namespace.exec("conntrack", "-L", "-m", Integer.toString(KernelOptions.DEFAULT_MARK));
        for (String line : listing.lines().filter(line -> line.startsWith("udp")).toList()) {
            entries.add(parse(line));
        }
        return entries;
    }

    /** The relay's entry for packets the caller sends to {@code callerLocal}. */
    Entry entryTowards(InetSocketAddress callerLocal) {
        return ownEntries().stream()
                .filter(entry -> entry.callerLocal().equals(callerLocal))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no conntrack entry with mark " + KernelOptions.DEFAULT_MARK
                        + " towards " + callerLocal + " in " + ownEntries()));
    }

    /** Waits until the relay has handed {@code count} substreams to the kernel. */
    List<Entry> awaitOwnEntries(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<Entry> entries = ownEntries();
        while (entries.size() != count && System.nanoTime() < deadline) {
            Thread.sleep(20);
            entries = ownEntries();
        }
        if (entries.size() != count) {
            throw new AssertionError(count + " conntrack entries with the relay's mark expected, found " + entries);
        }
        return entries;
    }

    boolean hasOwnTable() {
        return namespace.exec("nft", "list", "tables").contains("ip " + NftRuleset.DEFAULT_TABLE);
    }

    String ruleset() {
        return namespace.exec("nft", "list", "ruleset");
    }

    UdpDatagrams udpDatagrams() {
        List<String> udp = namespace.exec("cat", "/proc/net/snmp").lines().filter(line -> line.startsWith("Udp: ")).toList();
        List<String> names = List.of(udp.get(0).split("\\s+"));
        List<String> values = List.of(udp.get(1).split("\\s+"));
        return new UdpDatagrams(Long.parseLong(values.get(names.indexOf("InDatagrams"))),
                Long.parseLong(values.get(names.indexOf("OutDatagrams"))));
    }

    /**
     * {@code udp 17 118 src=A dst=B sport=a dport=b packets=n bytes=m src=C dst=D sport=c dport=d
     * packets=n bytes=m [ASSURED] mark=28016 use=1}: the first of each key is the original
     * direction, the second the reply.
     */
    private static Entry parse(String line) {
        Map<String, List<String>> values = new HashMap<>();
        for (String token : line.split("\\s+")) {
            int equals = token.indexOf('=');
            if (equals > 0) {
                values.computeIfAbsent(token.substring(0, equals), key -> new ArrayList<>()).add(token.substring(equals + 1));
            }
        }
        try {
            return new Entry(address(values, 0, "src", "sport"), address(values, 0, "dst", "dport"),
                    address(values, 1, "src", "sport"), address(values, 1, "dst", "dport"),
                    Long.parseLong(values.get("packets").get(0)), Long.parseLong(values.get("packets").get(1)),
                    Long.parseLong(values.get("mark").get(0)));
        } catch (RuntimeException e) {
            throw new AssertionError("unexpected conntrack line: " + line, e);
        }
    }

    private static InetSocketAddress address(Map<String, List<String>> values, int direction, String ip, String port) {
        return new InetSocketAddress(values.get(ip).get(direction), Integer.parseInt(values.get(port).get(direction)));
    }
}
