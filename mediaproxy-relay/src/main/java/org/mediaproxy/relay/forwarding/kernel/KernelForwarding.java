package org.mediaproxy.relay.forwarding.kernel;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel forwarding path as one object: owns the nftables table, the conntrack handle and
 * the DESTROY watcher, installs stream direction pairs without losing packets, and reports the
 * entries the kernel expires.
 * <p>
 * Thread-safe; calls block for well under a millisecond (netlink and libnftables round trips).
 * Everything is opened in the network namespace of the thread that calls {@link #start}.
 */
public final class KernelForwarding implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KernelForwarding.class);
    /** The DESTROY event of a deleted entry follows the delete within microseconds; this is a generous cap. */
    private static final long FINAL_COUNTERS_WAIT_MILLIS = 250;

    private final ConntrackTable table;
    private final NftRuleset ruleset;
    private final DestroyWatcher watcher;
    private final OwnedEntries owned;
    private final ScheduledExecutorService sweeper;

    private KernelForwarding(ConntrackTable table, NftRuleset ruleset, DestroyWatcher watcher,
                             OwnedEntries owned, ScheduledExecutorService sweeper) {
        this.table = table;
        this.ruleset = ruleset;
        this.watcher = watcher;
        this.owned = owned;
        this.sweeper = sweeper;
    }

    /**
     * Checks the prerequisites, installs the ruleset, deletes entries a previous run left
     * behind (found by their mark), and proves with the self-test that NAT entries are applied.
     *
     * @param expired told about entries the kernel destroyed on its own (idle timeout), never
     *                about those removed through {@link #remove}; called on the watcher's thread
     * @throws KernelUnavailableException with the reason, after undoing what it set up
     */
    public static KernelForwarding start(KernelOptions options, DestroyWatcher.Listener expired)
            throws KernelUnavailableException {
        KernelSupport.checkLibrariesAndCapability();
        OwnedEntries owned = new OwnedEntries(expired);
        ConntrackTable table = null;
        DestroyWatcher watcher = null;
        NftRuleset ruleset = null;
        try {
            table = ConntrackTable.open(options.mark(), options.entryTimeout());
            KernelSupport.checkSysctls(options.adjustSysctls());
            // Subscribed before the first entry exists: the kernel only reports the deaths of
            // entries born while someone listened.
            watcher = DestroyWatcher.start(options.mark(), owned);
            ruleset = NftRuleset.open(options.table(), options.inhibitTimeout());
            ruleset.install();
            Map<NatEntry, FlowCounters> stale = table.listOwn();
            for (NatEntry entry : stale.keySet()) {
                table.delete(entry);
            }
            if (!stale.isEmpty()) {
                LOG.info("deleted {} conntrack entries left by a previous run (mark {})", stale.size(), options.mark());
            }
            if (options.selfTest()) {
                SelfTest.run(table);
            }
        } catch (KernelUnavailableException e) {
            undo(table, watcher, ruleset);
            throw e;
        } catch (RuntimeException | LinkageError e) {
            undo(table, watcher, ruleset);
            throw new KernelUnavailableException("kernel forwarding set-up failed: " + e.getMessage(), e);
        }
        return new KernelForwarding(table, ruleset, watcher, owned, sweeper(table, options));
    }

    /**
     * Hands a stream direction pair over to the kernel without losing a packet: while the
     * tuples are inhibited, arriving packets bypass conntrack and reach the userspace sockets
     * (which keep relaying them); stale entries of both tuples are deleted; the NAT entry is
     * created; then arriving packets meet it.
     *
     * @throws ConntrackException if the kernel refused the entry (the stream stays in userspace)
     */
    public void install(NatEntry entry) {
        // Not reported as expired when the stale-entry step deletes a previous copy of it.
        owned.active.remove(entry);
        ruleset.inhibit(entry);
        try {
            table.deleteOriginal(entry.callerTuple());
            table.deleteOriginal(entry.calleeTuple());
            owned.active.add(entry);
            table.create(entry);
        } catch (RuntimeException e) {
            owned.active.remove(entry);
            throw e;
        } finally {
            ruleset.release(entry);
        }
    }

    /** The entry's counters now, or empty if it no longer exists. */
    public Optional<FlowCounters> counters(NatEntry entry) {
        return table.counters(entry);
    }

    /**
     * Deletes the entry; packets then reach the userspace sockets again.
     *
     * @return its final counters, taken from the DESTROY event the delete causes (counters read
     *         before the delete would miss the packets forwarded in between), or empty if it had
     *         expired earlier (and was reported to the listener)
     */
    public Optional<FlowCounters> remove(NatEntry entry) {
        owned.active.remove(entry);
        CompletableFuture<FlowCounters> destroyed = new CompletableFuture<>();
        owned.removing.put(entry, destroyed);
        try {
            Optional<FlowCounters> beforeDelete = table.delete(entry);
            try {
                // Also when the entry was gone already: it may have expired just now, after
                // leaving the active set, and then only this call can pass its counters on.
                return Optional.of(destroyed.get(FINAL_COUNTERS_WAIT_MILLIS, TimeUnit.MILLISECONDS));
            } catch (TimeoutException | ExecutionException e) {
                if (beforeDelete.isPresent()) {
                    LOG.warn("no DESTROY event for deleted entry {}: its last packets are not counted", entry);
                }
                return beforeDelete;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return beforeDelete;
            }
        } finally {
            owned.removing.remove(entry);
        }
    }

    /** Deletes every entry carrying our mark and the nftables table, then closes the handles. */
    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        watcher.close();
        owned.active.clear();
        try {
            table.listOwn().keySet().forEach(table::delete);
            ruleset.remove();
        } finally {
            ruleset.close();
            table.close();
        }
    }

    private static ScheduledExecutorService sweeper(ConntrackTable table, KernelOptions options) {
        long period = options.expirySweep().toMillis();
        if (period == 0) {
            return null;
        }
        ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "conntrack-expiry-sweep");
            thread.setDaemon(true);
            return thread;
        });
        // A dump makes the kernel reap the expired entries it walks over, which then produce
        // their DESTROY events now rather than when the garbage collector comes by.
        sweeper.scheduleWithFixedDelay(() -> {
            try {
                table.listOwn();
            } catch (RuntimeException e) {
                LOG.warn("conntrack expiry sweep failed: {}", e.getMessage());
            }
        }, period, period, TimeUnit.MILLISECONDS);
        return sweeper;
    }

    private static void undo(ConntrackTable table, DestroyWatcher watcher, NftRuleset ruleset) {
        if (watcher != null) {
            watcher.close();
        }
        if (ruleset != null) {
            try {
                ruleset.remove();
            } catch (RuntimeException e) {
                LOG.warn("could not remove nftables table {}: {}", ruleset.table(), e.getMessage());
            }
            ruleset.close();
        }
        if (table != null) {
            table.close();
        }
    }

    /**
     * Routes DESTROY events: to a {@link #remove} waiting for its final counters, or to the
     * listener for entries still installed (the kernel expired them); others are stale copies.
     */
    private static final class OwnedEntries implements DestroyWatcher.Listener {

        final Set<NatEntry> active = ConcurrentHashMap.newKeySet();
        final Map<NatEntry, CompletableFuture<FlowCounters>> removing = new ConcurrentHashMap<>();
        private final DestroyWatcher.Listener listener;

        OwnedEntries(DestroyWatcher.Listener listener) {
            this.listener = listener;
        }

        @Override
        public void destroyed(NatEntry entry, FlowCounters finalCounters) {
            CompletableFuture<FlowCounters> waiting = removing.get(entry);
            if (waiting != null) {
                waiting.complete(finalCounters);
            } else if (active.remove(entry)) {
                listener.destroyed(entry, finalCounters);
            }
        }

        @Override
        public void eventsLost() {
            listener.eventsLost();
        }
    }
}
