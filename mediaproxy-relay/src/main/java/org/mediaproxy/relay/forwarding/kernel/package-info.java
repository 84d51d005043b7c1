/**
 * Kernel forwarding: relayed UDP streams handed to Linux conntrack as NAT entries, so packets
 * never reach the relay process. The only package that touches native pointers.
 *
 * <h2>Pieces</h2>
 * <ul>
 * <li>{@link org.mediaproxy.relay.forwarding.kernel.LibNetfilterConntrack},
 * {@link org.mediaproxy.relay.forwarding.kernel.LibNftables}: JNR-FFI bindings named like the C
 * libraries.</li>
 * <li>{@link org.mediaproxy.relay.forwarding.kernel.ConntrackTable}: create / counters / delete
 * of {@link org.mediaproxy.relay.forwarding.kernel.NatEntry NatEntries}, all stamped with one
 * mark so that a restarted relay finds what a crashed one left.</li>
 * <li>{@link org.mediaproxy.relay.forwarding.kernel.DestroyWatcher}: DESTROY events (expiry, with
 * final 64-bit counters).</li>
 * <li>{@link org.mediaproxy.relay.forwarding.kernel.NftRuleset}: the relay's own nftables table.</li>
 * <li>{@link org.mediaproxy.relay.forwarding.kernel.EntryInstaller}: the per-stream hot path
 * (inhibitors, stale deletes, create, release; delete with final counters) as raw netfilter
 * netlink messages on one socket ({@code NetlinkSocket}, {@code NetlinkWriter}).</li>
 * <li>{@link org.mediaproxy.relay.forwarding.kernel.KernelForwarding}: the facade the relay uses;
 * {@link org.mediaproxy.relay.forwarding.kernel.KernelSupport#check} for diagnostics.</li>
 * <li>{@link org.mediaproxy.relay.forwarding.kernel.KernelForwardingEngine}: the
 * {@code ForwardingEngine} built on it (userspace sockets for the first packets, then the
 * kernel); {@link org.mediaproxy.relay.forwarding.kernel.ForwardingEngines#choose} picks the
 * engine from {@code [Relay] forwarding}.</li>
 * </ul>
 *
 * <h2>Kernel facts the design rests on (kernel 6.18, verified by the tests here)</h2>
 * <ul>
 * <li>A network namespace registers its conntrack and NAT hooks only when some rule needs them.
 * Without the table's nat chains and its {@code ct state new} rule, a NAT entry created over
 * ctnetlink is accepted and silently never used (the original's failure on current kernels).
 * Hence the start-up self-test with real packets rather than trusting the kernel's "OK".</li>
 * <li>Inhibitors must cover both directions. Arriving packets are kept untracked while stale
 * entries are deleted and the NAT entry created (else a packet in between makes an ordinary entry
 * and CREATE fails with EEXIST). The relay's own userspace sends on the stream must be untracked
 * too: a send in the window creates the same conflict, and a send queued before the hand-over but
 * made after it creates an entry whose reply tuple clashes with the NAT entry's, so NAT moves it
 * to a random source port (the hand-over test saw hundreds of such packets without this).</li>
 * <li>DESTROY events are only produced for entries born while a listener is subscribed
 * ({@code nf_conntrack_events = 2}), so the watcher starts first.</li>
 * <li>The conntrack garbage collector may reap an idle expired entry only about a minute later
 * (45 s measured); a dump reaps the expired entries it walks over, hence the periodic sweep.</li>
 * <li>Counters read before a delete miss the packets forwarded until the delete; the DESTROY
 * event of the delete carries the final counters. A delete sent with {@code NLM_F_ECHO} gets
 * that event back on the requesting socket, before the acknowledgement. One limit remains: a
 * packet that found the entry just before the delete but updates its counters just after the
 * event's snapshot (a window of about a microsecond, longer on an overloaded virtual machine) is
 * forwarded yet missing from the final counters. The hand-over tests allow one such packet per
 * hand-back and saw it about once in ten runs on a busy machine.</li>
 * <li>Speed: through libnftables an inhibit or release costs 0.2-0.6 ms (it parses the command
 * and refreshes its cache from the kernel each time); the same set-element transaction written
 * as netlink messages costs about 10 us, so a whole race-free install costs about what the
 * conntrack requests alone cost (see {@code scripts/entry-bench}).</li>
 * <li>A ctnetlink create must carry {@code IPS_CONFIRMED} in its status (libnetfilter_conntrack
 * adds it silently): the kernel has set it on the entry it builds and answers EBUSY to a status
 * that would clear it.</li>
 * <li>Entries sharing one caller address and port make each create walk all of them (the SNAT
 * step looks for an existing mapping of that source); streams from distinct ports do not.</li>
 * </ul>
 *
 * <h2>Measured (2 shared cores, load average 10-13 from other work, kernel 6.18, JDK 17)</h2>
 * <ul>
 * <li>{@code scripts/entry-bench 5000 5}, streams handed over and back per second (install +
 * remove), rounds 1-4: 1.6-3.6 k/s when inhibitors went through libnftables; 4-24 k/s over raw
 * netlink (install alone 6-43 k/s, remove 14-59 k/s). Same run, the conntrack requests alone
 * (2 stale deletes, create, GET, delete) through libnetfilter_conntrack: 2.5-17 k/s from Java,
 * 7.6-23 k/s from C. The race-free hand-over now costs what the bare conntrack pattern costs in
 * C; the 47 k/s seen for that C pattern on a quiet machine is the ceiling.</li>
 * <li>{@code scripts/kernel-bench} (100 streams, 172-byte datagrams, one direction): best rate
 * delivered with no loss: plain routing 148 k/s, conntrack CLI entries 125 k/s, kernel engine
 * 126 k/s; engine/CLI 1.01, engine/plain 0.85. No path lost a packet: over veth the forwarding
 * runs on the sender's CPU, which is what limits the rate. Relay process CPU while the kernel
 * forwarded: at most 0.7 % of one core (its periodic expiry sweep). Flowtables: not available
 * on this kernel ({@code nft} refuses them).</li>
 * </ul>
 *
 * <h2>Network namespaces</h2>
 * Every netlink socket and libnftables context belongs to the namespace of the thread that
 * opens it, and threads started from a thread inherit its namespace. In production the relay
 * runs in one namespace and nothing special happens. Tests enter namespaces per thread with
 * {@link org.mediaproxy.relay.forwarding.kernel.Netns#enter} (setns) and open everything from
 * there, which keeps test and code under test in one JVM.
 */
package org.mediaproxy.relay.forwarding.kernel;
