package org.mediaproxy.relay.forwarding.kernel;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the kernel forwarding path.
 *
 * @param mark           conntrack mark on every entry the relay creates; lets a restarted relay
 *                       find and delete what a crashed run left behind. Pick another value if
 *                       the host's own rules use conntrack marks.
 * @param table          name of the nftables {@code ip} table the relay owns
 * @param entryTimeout   lifetime of a new entry until its first packet (the original: 60 s);
 *                       afterwards the kernel's UDP timeouts apply
 * @param inhibitTimeout how long an inhibitor survives if the relay dies while installing
 * @param expirySweep    how often to dump our entries so the kernel reaps expired ones and
 *                       reports them at once (its own garbage collector may take a minute);
 *                       zero disables
 * @param adjustSysctls  set {@code net.ipv4.ip_forward} and {@code net.netfilter.nf_conntrack_acct}
 *                       to 1 when they are not; otherwise report them as the reason
 * @param selfTest       prove at start-up with real packets that a NAT entry is applied
 */
public record KernelOptions(int mark, String table, Duration entryTimeout, Duration inhibitTimeout,
                            Duration expirySweep, boolean adjustSysctls, boolean selfTest) {

    /** "mp": arbitrary, but stable across releases so leftovers of older runs are recognised. */
    public static final int DEFAULT_MARK = 0x6d70;

    public KernelOptions {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(entryTimeout, "entryTimeout");
        Objects.requireNonNull(inhibitTimeout, "inhibitTimeout");
        Objects.requireNonNull(expirySweep, "expirySweep");
        if (entryTimeout.toSeconds() < 1) {
            throw new IllegalArgumentException("entryTimeout must be at least 1 s: " + entryTimeout);
        }
        if (inhibitTimeout.isNegative() || inhibitTimeout.isZero()) {
            throw new IllegalArgumentException("inhibitTimeout must be positive: " + inhibitTimeout);
        }
        if (expirySweep.isNegative()) {
            throw new IllegalArgumentException("expirySweep must not be negative: " + expirySweep);
        }
    }

    public static KernelOptions defaults() {
        return new KernelOptions(DEFAULT_MARK, NftRuleset.DEFAULT_TABLE, Duration.ofSeconds(60),
                Duration.ofSeconds(2), Duration.ofSeconds(10), true, true);
    }

    public KernelOptions withAdjustSysctls(boolean adjust) {
        return new KernelOptions(mark, table, entryTimeout, inhibitTimeout, expirySweep, adjust, selfTest);
    }

    public KernelOptions withSelfTest(boolean test) {
        return new KernelOptions(mark, table, entryTimeout, inhibitTimeout, expirySweep, adjustSysctls, test);
    }
}
