package org.mediaproxy.relay.forwarding.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.mediaproxy.relay.forwarding.ForwardingEngine;
import org.mediaproxy.relay.forwarding.StreamForwarding;
import org.mediaproxy.relay.forwarding.StreamSockets;
import org.mediaproxy.relay.forwarding.userspace.UserspaceEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards media in the Linux kernel: the userspace engine's sockets relay the first packets of
 * every substream, and once both parties are latched and have sent media, a conntrack NAT entry
 * takes over (see {@link org.mediaproxy.relay.forwarding.ForwardingEngine} for the seam's rules).
 * <ul>
 * <li>Entries are installed on a thread of their own, never on an event loop; the sockets keep
 * relaying until the entry exists, and the install itself is race-free ({@link KernelForwarding#install}),
 * so the hand-over loses nothing.</li>
 * <li>A substream's counters are what its sockets relayed plus what its entries forwarded, both
 * in IP-level bytes; a withdrawn or expired entry's exact final counters are folded in.</li>
 * <li>An entry the kernel expires (both directions silent for the UDP stream timeout) ends its
 * substream with {@code conntrack timeout}, {@code timeout_wait} being that sysctl.</li>
 * </ul>
 * Everything is opened in the network namespace of the thread that calls {@link #start}.
 */
public final class KernelForwardingEngine implements ForwardingEngine {

    private static final Logger LOG = LoggerFactory.getLogger(KernelForwardingEngine.class);
    private static final Path UDP_STREAM_TIMEOUT = Path.of("/proc/sys/net/netfilter/nf_conntrack_udp_timeout_stream");

    private final int threads;
    private final UserspaceEngine userspace;
    /** Installed (or installing) entries, to route the kernel's expiry reports to their streams. */
    private final Map<NatEntry, Offload> offloads = new ConcurrentHashMap<>();
    /** Runs the installs: netlink round trips, off the event loops. One thread keeps them in order. */
    private final ThreadPoolExecutor installs;
    /** Hands expiries to the streams' threads (waiting for them), so the DESTROY watcher never waits. */
    private final ThreadPoolExecutor expiries;
    private final KernelForwarding kernel;

    private KernelForwardingEngine(KernelOptions options, int threads) throws KernelUnavailableException {
        this.threads = threads;
        // Started here, so they live in this thread's network namespace like everything else.
        this.installs = thread("kernel-offload");
        this.expiries = thread("kernel-expiry");
        this.userspace = new UserspaceEngine(threads);
        try {
            // The listener only ever hears of entries installed through this engine, i.e. after
            // the constructor returned.
            this.kernel = KernelForwarding.start(options, (entry, counters) -> expired(entry, counters));
        } catch (KernelUnavailableException | RuntimeException e) {
            installs.shutdownNow();
            expiries.shutdownNow();
            userspace.close();
            throw e;
        }
    }

    /**
     * Sets up the kernel path ({@link KernelForwarding#start}: ruleset, leftovers of a previous
     * run deleted, self-test) and the userspace engine for the first packets.
     *
     * @param threads event-loop threads of the userspace part
     * @throws KernelUnavailableException with the reason the kernel path cannot work here
     */
    public static KernelForwardingEngine start(KernelOptions options, int threads) throws KernelUnavailableException {
        return new KernelForwardingEngine(options, threads);
    }

    @Override
    public String name() {
        return "kernel (conntrack NAT entries; first packets in userspace with Netty epoll, " + threads
                + (threads == 1 ? " thread)" : " threads)");
    }

    @Override
    public StreamSockets open(StreamForwarding stream) {
        return new KernelStream(userspace.open(stream), stream, this);
    }

    /** Stops the threads, deletes every entry and the nftables table, closes the sockets. */
    @Override
    public void close() {
        installs.shutdownNow();
        expiries.shutdownNow();
        try {
            installs.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            kernel.close();
        } finally {
            userspace.close();
        }
    }

    KernelForwarding kernel() {
        return kernel;
    }

    /** Queues the installation of {@code offload}; the stream's sockets relay meanwhile. */
    void install(Offload offload) {
        try {
            installs.execute(() -> {
                if (!offload.starting()) {
                    return;
                }
                offloads.put(offload.entry(), offload);
                try {
                    kernel.install(offload.entry());
                    offload.installed();
                } catch (RuntimeException e) {
                    offloads.remove(offload.entry(), offload);
                    offload.failed();
                    LOG.warn("{} stays in userspace: kernel forwarding entry {} not installed: {}",
                            offload.kind(), offload.entry(), e.getMessage());
                }
            });
        } catch (RejectedExecutionException closing) {
            offload.failed();
        }
    }

    /** The entry stops forwarding (withdrawn or expired): no more expiry reports go to it. */
    void forget(Offload offload) {
        offloads.remove(offload.entry(), offload);
    }

    private void expired(NatEntry entry, FlowCounters finalCounters) {
        Offload offload = offloads.get(entry);
        if (offload == null) {
            return;
        }
        try {
            expiries.execute(() -> offload.stream().expired(offload, finalCounters, udpStreamTimeout()));
        } catch (RejectedExecutionException closing) {
            // the engine is closing: streams get no more events
        }
    }

    /** The kernel's idle timeout of a UDP flow that saw traffic both ways, as the original reports it (0 if unreadable). */
    private static int udpStreamTimeout() {
        try {
            return Integer.parseInt(Files.readString(UDP_STREAM_TIMEOUT).strip());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private static ThreadPoolExecutor thread(String name) {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, name);
                    thread.setDaemon(true);
                    return thread;
                });
        executor.prestartCoreThread();
        return executor;
    }
}
