package org.mediaproxy.relay.forwarding.kernel;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import jnr.ffi.Pointer;

/**
 * The one nftables table the relay owns (default {@code ip mediaproxy}). It holds:
 * <ul>
 * <li>chains at the nat hooks (prerouting with a {@code ct state new counter} rule, and an empty
 * postrouting one). Recent kernels register conntrack and NAT hooks in a network namespace only
 * when some rule needs them; without both, the NAT entries the relay creates over ctnetlink are
 * accepted but silently never applied.</li>
 * <li>a set {@code inhibit} of UDP 4-tuples whose packets get {@code notrack} at raw priority,
 * both when they arrive (prerouting) and when the relay itself sends them (output). It replaces
 * the original's temporary iptables NOTRACK rules: while a NAT entry is being installed, packets
 * of the stream must not create an ordinary conntrack entry that would block or shadow it.</li>
 * </ul>
 * Commands go through libnftables in-process. Thread-safe (one libnftables context under a lock).
 * The context talks to the network namespace of the thread that calls {@link #open}.
 */
public final class NftRuleset implements AutoCloseable {

    public static final String DEFAULT_TABLE = "mediaproxy";

    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,31}");
    /**
     * The relay's own sends on a handed-over stream stay untracked for this long: packets its
     * userspace path had already queued when the kernel took over would otherwise create a
     * conntrack entry clashing with the NAT entry's reply tuple, and NAT would then move them
     * to another source port.
     */
    private static final Duration OUTGOING_TIMEOUT = Duration.ofSeconds(30);

    private final LibNftables lib;
    private final Pointer ctx;
    private final String table;
    private final long inhibitMillis;
    private boolean closed;

    private NftRuleset(LibNftables lib, Pointer ctx, String table, Duration inhibitTimeout) {
        this.lib = lib;
        this.ctx = ctx;
        this.table = table;
        this.inhibitMillis = Math.max(1, inhibitTimeout.toMillis());
    }

    /**
     * @param table          name of the {@code ip} family table to own
     * @param inhibitTimeout safety net: inhibitors left behind (crash between inhibit and
     *                       release) expire after this long
     */
    public static NftRuleset open(String table, Duration inhibitTimeout) {
        if (!TABLE_NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("invalid nftables table name: " + table);
        }
        LibNftables lib = LibNftables.load();
        Pointer ctx = lib.nft_ctx_new(LibNftables.NFT_CTX_DEFAULT);
        if (ctx == null) {
            throw new NftException("nft_ctx_new failed");
        }
        lib.nft_ctx_buffer_output(ctx);
        lib.nft_ctx_buffer_error(ctx);
        return new NftRuleset(lib, ctx, table, inhibitTimeout);
    }

    public String table() {
        return table;
    }

    /**
     * Creates the table, replacing any table of the same name (a previous run's leftovers,
     * inhibitors included) in one atomic transaction.
     */
    public void install() {
        String chainRule = "meta l4proto udp ip saddr . udp sport . ip daddr . udp dport @inhibit notrack";
        run("add table ip " + table + "\n"
                + "delete table ip " + table + "\n"
                + "table ip " + table + " {\n"
                + "  set inhibit { type ipv4_addr . inet_service . ipv4_addr . inet_service; flags timeout; }\n"
                + "  chain inhibit_in { type filter hook prerouting priority raw; policy accept; " + chainRule + "; }\n"
                + "  chain inhibit_out { type filter hook output priority raw; policy accept; " + chainRule + "; }\n"
                + "  chain nat_in { type nat hook prerouting priority dstnat; policy accept; ct state new counter; }\n"
                + "  chain nat_out { type nat hook postrouting priority srcnat; policy accept; }\n"
                + "}\n");
    }

    /** Deletes the table if it exists. */
    public void remove() {
        run("add table ip " + table + "\ndelete table ip " + table + "\n");
    }

    /**
     * Stops conntrack from tracking the stream's packets: those arriving from both remotes
     * (until {@link #release} or the inhibit timeout) and those the relay sends from its own
     * sockets to them (for a while longer, see {@link #OUTGOING_TIMEOUT}).
     */
    public void inhibit(NatEntry entry) {
        run("add element ip " + table + " inhibit { "
                + element(entry.callerTuple(), inhibitMillis) + ", "
                + element(entry.calleeTuple(), inhibitMillis) + ", "
                + element(entry.callerTuple().reversed(), OUTGOING_TIMEOUT.toMillis()) + ", "
                + element(entry.calleeTuple().reversed(), OUTGOING_TIMEOUT.toMillis()) + " }\n");
    }

    /** Lets arriving packets of the stream be tracked again (so they meet the new NAT entry). */
    public void release(NatEntry entry) {
        List<UdpTuple> incoming = List.of(entry.callerTuple(), entry.calleeTuple());
        try {
            run(deleteElements(incoming));
        } catch (NftException bothNotThere) {
            // One of them may have expired already (a stall longer than the inhibit timeout)
            // and nftables rejects the whole transaction then: delete them one by one.
            for (UdpTuple tuple : incoming) {
                try {
                    run(deleteElements(List.of(tuple)));
                } catch (NftException alreadyExpired) {
                    // gone is what we want
                }
            }
        }
    }

    /** The table as {@code nft list table} prints it: for diagnostics and tests. */
    public String list() {
        return run("list table ip " + table + "\n");
    }

    /** Frees the libnftables context; the table stays (see {@link #remove}). */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            lib.nft_ctx_free(ctx);
        }
    }

    private String deleteElements(List<UdpTuple> tuples) {
        StringBuilder command = new StringBuilder("delete element ip ").append(table).append(" inhibit { ");
        for (int i = 0; i < tuples.size(); i++) {
            command.append(i == 0 ? "" : ", ").append(key(tuples.get(i)));
        }
        return command.append(" }\n").toString();
    }

    private static String element(UdpTuple tuple, long timeoutMillis) {
        return key(tuple) + " timeout " + timeoutMillis + "ms";
    }

    private static String key(UdpTuple tuple) {
        return tuple.source().getAddress().getHostAddress() + " . " + tuple.source().getPort() + " . "
                + tuple.destination().getAddress().getHostAddress() + " . " + tuple.destination().getPort();
    }

    private synchronized String run(String commands) {
        if (closed) {
            throw new IllegalStateException("nftables context closed");
        }
        int rc = lib.nft_run_cmd_from_buffer(ctx, commands);
        // Reading the buffers also resets them for the next command.
        String output = lib.nft_ctx_get_output_buffer(ctx);
        String errors = lib.nft_ctx_get_error_buffer(ctx);
        if (rc != 0) {
            throw new NftException("nft failed: " + (errors == null ? "" : errors.strip())
                    + " [command: " + commands.strip() + "]");
        }
        return output == null ? "" : output;
    }
}
