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
 * <li>{@link org.mediaproxy.relay.forwarding.kernel.KernelForwarding}: the facade the relay uses;
 * {@link org.mediaproxy.relay.forwarding.kernel.KernelSupport#check} for diagnostics.</li>
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
 * event of the delete carries the exact final counters, so {@code remove} waits for it.</li>
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
