package org.mediaproxy.relay.forwarding.kernel;

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
 * The table itself is managed through libnftables in-process (rarely: at start and exit); the
 * per-stream set elements go through {@link EntryInstaller}'s raw netlink messages, which cost a
 * fraction of a libnftables command. Thread-safe (one libnftables context under a lock).
 * The context talks to the network namespace of the thread that calls {@link #open}.
 */
public final class NftRuleset implements AutoCloseable {

    public static final String DEFAULT_TABLE = "mediaproxy";
    /** The set of inhibited tuples; {@link EntryInstaller} adds and deletes its elements. */
    static final String INHIBIT_SET = "inhibit";

    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,31}");

    private final LibNftables lib;
    private final Pointer ctx;
    private final String table;
    private boolean closed;

    private NftRuleset(LibNftables lib, Pointer ctx, String table) {
        this.lib = lib;
        this.ctx = ctx;
        this.table = table;
    }

    /** @param table name of the {@code ip} family table to own */
    public static NftRuleset open(String table) {
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
        return new NftRuleset(lib, ctx, table);
    }

    public String table() {
        return table;
    }

    /**
     * Creates the table, replacing any table of the same name (a previous run's leftovers,
     * inhibitors included) in one atomic transaction.
     */
    public void install() {
        run("add table ip " + table + "\n"
                + "delete table ip " + table + "\n"
                + definition(table));
    }

    /** The table in {@code nft -f} syntax (also what benchmarks load with the {@code nft} command). */
    public static String definition(String table) {
        String chainRule = "meta l4proto udp ip saddr . udp sport . ip daddr . udp dport @" + INHIBIT_SET + " notrack";
        return "table ip " + table + " {\n"
                + "  set " + INHIBIT_SET + " { type ipv4_addr . inet_service . ipv4_addr . inet_service; flags timeout; }\n"
                + "  chain inhibit_in { type filter hook prerouting priority raw; policy accept; " + chainRule + "; }\n"
                + "  chain inhibit_out { type filter hook output priority raw; policy accept; " + chainRule + "; }\n"
                + "  chain nat_in { type nat hook prerouting priority dstnat; policy accept; ct state new counter; }\n"
                + "  chain nat_out { type nat hook postrouting priority srcnat; policy accept; }\n"
                + "}\n";
    }

    /** Deletes the table if it exists. */
    public void remove() {
        run("add table ip " + table + "\ndelete table ip " + table + "\n");
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
