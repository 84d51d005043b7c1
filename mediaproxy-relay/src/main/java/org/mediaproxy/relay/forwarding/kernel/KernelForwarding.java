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
    private final EntryInstaller installer;
    private final DestroyWatcher watcher;
    private final OwnedEntries owned;
    private final ScheduledExecutorService sweeper;

    private KernelForwarding(ConntrackTable table, NftRuleset ruleset, EntryInstaller installer, DestroyWatcher watcher,
                             OwnedEntries owned, ScheduledExecutorService sweeper) {
        this.table = table;
        this.ruleset = ruleset;
        this.installer = installer;
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
        ConntrackTable table = null;
        OwnedEntries owned = null;
        DestroyWatcher watcher = null;
        NftRuleset ruleset = null;
        EntryInstaller installer = null;
        try {
            table = ConntrackTable.open(options.mark(), options.entryTimeout());
            owned = new OwnedEntries(expired, table);
            KernelSupport.checkSysctls(options.adjustSysctls());
            // Subscribed before the first entry exists: the kernel only reports the deaths of
            // entries born while someone listened.
            watcher = DestroyWatcher.start(options.mark(), owned);
            ruleset = NftRuleset.open(options.table());
            ruleset.install();
            installer = EntryInstaller.open(options.mark(), options.entryTimeout(), options.table(),
                    options.inhibitTimeout());
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
            undo(table, watcher, ruleset, installer);
            throw e;
        } catch (RuntimeException | LinkageError e) {
            undo(table, watcher, ruleset, installer);
            throw new KernelUnavailableException("kernel forwarding set-up failed: " + e.getMessage(), e);
        }
        return new KernelForwarding(table, ruleset, installer, watcher, owned, sweeper(table, options));
    }

    /**
     * Hands a stream direction pair over to the kernel without losing a packet: while the
     * tuples are inhibited, arriving packets bypass conntrack and reach the userspace sockets
     * (which keep relaying them); stale entries of both tuples are deleted; the NAT entry is
     * created; then arriving packets meet it. A few netlink round trips (see {@link EntryInstaller}).
     *
     * @throws ConntrackException if the kernel refused the entry (the stream stays in userspace)
     * @throws NftException       if the inhibitors could not be added (nothing changed)
     */
    public void install(NatEntry entry) {
        // Not reported as expired when the stale-entry step deletes a previous copy of it.
        owned.active.remove(entry);
        installer.install(entry);
        owned.active.add(entry);
    }

    /** The entry's counters now, or empty if it no longer exists. */
    public Optional<FlowCounters> counters(NatEntry entry) {
        return table.counters(entry);
    }

    /**
     * Deletes the entry; packets then reach the userspace sockets again.
     *
     * @return its exact final counters (from the DESTROY event the kernel echoes for the delete:
     *         counters read before a delete would miss the packets forwarded in between), or
     *         empty if it had expired earlier (and was reported to the listener) or was never
     *         installed
     */
    public Optional<FlowCounters> remove(NatEntry entry) {
        CompletableFuture<FlowCounters> expiredMeanwhile = new CompletableFuture<>();
        // Registered before leaving the active set: a DESTROY event read in between then still
        // finds its way here instead of getting lost.
        owned.removing.put(entry, expiredMeanwhile);
        try {
            if (!owned.active.remove(entry)) {
                return Optional.empty();
            }
            Optional<FlowCounters> deleted = installer.remove(entry);
            if (deleted.isPresent()) {
                return deleted;
            }
            // It died on its own just before the delete: its DESTROY event comes here.
            try {
                return Optional.of(expiredMeanwhile.get(FINAL_COUNTERS_WAIT_MILLIS, TimeUnit.MILLISECONDS));
            } catch (TimeoutException | ExecutionException e) {
                LOG.warn("entry {} vanished without a DESTROY event: its last packets are not counted", entry);
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        } finally {
            owned.removing.remove(entry, expiredMeanwhile);
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
            installer.close();
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

    private static void undo(ConntrackTable table, DestroyWatcher watcher, NftRuleset ruleset,
                             EntryInstaller installer) {
        if (installer != null) {
            installer.close();
        }
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
     * Routes DESTROY events: to a {@link #remove} waiting for the final counters of an entry that
     * died on its own meanwhile, or to the listener for entries still installed (the kernel
     * expired them); others are stale copies, or the multicast twin of a delete's echo.
     */
    private static final class OwnedEntries implements DestroyWatcher.Listener {

        final Set<NatEntry> active = ConcurrentHashMap.newKeySet();
        final Map<NatEntry, CompletableFuture<FlowCounters>> removing = new ConcurrentHashMap<>();
        private final DestroyWatcher.Listener listener;
        private final ConntrackTable table;

        OwnedEntries(DestroyWatcher.Listener listener, ConntrackTable table) {
            this.listener = listener;
            this.table = table;
        }

        @Override
        public void destroyed(NatEntry entry, FlowCounters finalCounters) {
            CompletableFuture<FlowCounters> waiting = removing.get(entry);
            if (waiting != null) {
                waiting.complete(finalCounters);
            } else if (active.contains(entry) && !stillInstalled(entry) && active.remove(entry)) {
                listener.destroyed(entry, finalCounters);
            }
        }

        /**
         * The watcher may read an event late: that of an earlier copy of the entry, removed and
         * installed again meanwhile. Such an event must not end the live copy.
         */
        private boolean stillInstalled(NatEntry entry) {
            try {
                return table.counters(entry).isPresent();
            } catch (RuntimeException e) {
                return false;
            }
        }

        @Override
        public void eventsLost() {
            listener.eventsLost();
        }
    }
}
