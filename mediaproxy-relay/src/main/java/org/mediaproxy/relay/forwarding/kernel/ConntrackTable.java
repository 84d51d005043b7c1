package org.mediaproxy.relay.forwarding.kernel;

import static org.mediaproxy.relay.forwarding.kernel.LibNetfilterConntrack.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * The kernel's conntrack table in Java terms: creates, reads and deletes the NAT entries that
 * forward relayed streams, all carrying one {@code mark} so entries left by a crashed run can be
 * found again.
 * <p>
 * Thread-safe: one netlink handle, used under this object's lock (a request is a few tens of
 * microseconds of kernel work; callers on an event loop may still prefer their own executor).
 * The handle belongs to the network namespace of the thread that calls {@link #open}.
 */
public final class ConntrackTable implements AutoCloseable {

    private final LibNetfilterConntrack lib;
    private final ConntrackObjects objects;
    private final Pointer handle;
    private final int mark;
    private final int timeoutSeconds;
    private final Pointer dumpFamily;
    /** Strong reference: the native side keeps only a pointer to the callback's stub. */
    private final LibNetfilterConntrack.Callback callback;
    /** Collects what the kernel answers to the request in progress (guarded by this). */
    private final List<ConntrackObjects.Entry> answers = new ArrayList<>();
    private boolean closed;

    private ConntrackTable(LibNetfilterConntrack lib, Pointer handle, int mark, int timeoutSeconds) {
        this.lib = lib;
        this.objects = new ConntrackObjects(lib);
        this.handle = handle;
        this.mark = mark;
        this.timeoutSeconds = timeoutSeconds;
        this.dumpFamily = Memory.allocateDirect(jnr.ffi.Runtime.getRuntime(lib), 4);
        dumpFamily.putInt(0, ConntrackObjects.AF_INET);
        // CONTINUE, not STOP: with STOP the netlink ACK that follows a GET answer stays queued
        // and the next request on this handle would read it as its own answer.
        this.callback = (type, ct, data) -> {
            try {
                objects.read(ct).ifPresent(answers::add);
            } catch (RuntimeException e) {
                // An exception must not unwind through C frames; an unreadable entry is not ours.
            }
            return NFCT_CB_CONTINUE;
        };
        if (lib.nfct_callback_register(handle, NFCT_T_ALL, callback, null) != 0) {
            int errno = jnr.ffi.Runtime.getRuntime(lib).getLastError();
            lib.nfct_close(handle);
            throw new ConntrackException("nfct_callback_register", errno);
        }
    }

    /**
     * Opens a conntrack netlink handle in the calling thread's network namespace.
     *
     * @param mark           conntrack mark stamped on every entry created here
     * @param initialTimeout lifetime of a new entry until its first packet (then the kernel's
     *                       UDP timeouts apply)
     */
    public static ConntrackTable open(int mark, Duration initialTimeout) {
        return open(LibNetfilterConntrack.load(), mark, initialTimeout);
    }

    static ConntrackTable open(LibNetfilterConntrack lib, int mark, Duration initialTimeout) {
        Pointer handle = lib.nfct_open(CONNTRACK, 0);
        if (handle == null) {
            throw new ConntrackException("nfct_open", jnr.ffi.Runtime.getRuntime(lib).getLastError());
        }
        return new ConntrackTable(lib, handle, mark, Math.toIntExact(Math.max(1, initialTimeout.toSeconds())));
    }

    /**
     * Creates the NAT entry. Fails with errno EEXIST if a conntrack entry already uses either of
     * its tuples: delete stale entries first ({@link #deleteOriginal}).
     */
    public synchronized void create(NatEntry entry) {
        Pointer ct = objects.natEntry(entry, mark, timeoutSeconds);
        try {
            query(NFCT_Q_CREATE, ct, "create " + entry);
        } finally {
            lib.nfct_destroy(ct);
        }
    }

    /** Current counters of our entry, or empty if it is gone (or the tuple is held by an entry that is not ours). */
    public synchronized Optional<FlowCounters> counters(NatEntry entry) {
        return find(entry).map(ConntrackObjects.Entry::counters);
    }

    /**
     * Deletes our entry and returns its counters as read just before, or empty if it was
     * already gone. (The DESTROY event of {@link DestroyWatcher} carries the exact final
     * counters; the difference is at most the packets of a few microseconds.)
     */
    public synchronized Optional<FlowCounters> delete(NatEntry entry) {
        Optional<ConntrackObjects.Entry> found = find(entry);
        if (found.isPresent() && !deleteOriginal(entry.callerTuple())) {
            return Optional.empty();
        }
        return found.map(ConntrackObjects.Entry::counters);
    }

    /**
     * Deletes whatever entry holds this tuple in either direction (the kernel looks tuples up
     * in both directions), ours or not. Used to clear stale entries before creating ours.
     *
     * @return false if there was none
     */
    public synchronized boolean deleteOriginal(UdpTuple tuple) {
        Pointer ct = objects.tuple(tuple);
        try {
            query(NFCT_Q_DESTROY, ct, "delete " + tuple);
            return true;
        } catch (ConntrackException e) {
            if (e.errno() == ConntrackException.ENOENT) {
                return false;
            }
            throw e;
        } finally {
            lib.nfct_destroy(ct);
        }
    }

    /** All IPv4/UDP entries carrying our mark, with their counters: what a previous run may have left. */
    public synchronized Map<NatEntry, FlowCounters> listOwn() {
        answers.clear();
        query(NFCT_Q_DUMP, dumpFamily, "dump");
        Map<NatEntry, FlowCounters> own = new LinkedHashMap<>();
        for (ConntrackObjects.Entry entry : answers) {
            if (entry.mark() == mark) {
                own.put(entry.nat(), entry.counters());
            }
        }
        answers.clear();
        return own;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            lib.nfct_callback_unregister(handle);
            lib.nfct_close(handle);
        }
    }

    private Optional<ConntrackObjects.Entry> find(NatEntry entry) {
        Pointer ct = objects.tuple(entry.callerTuple());
        answers.clear();
        try {
            query(NFCT_Q_GET, ct, "get " + entry.callerTuple());
        } catch (ConntrackException e) {
            if (e.errno() == ConntrackException.ENOENT) {
                return Optional.empty();
            }
            throw e;
        } finally {
            lib.nfct_destroy(ct);
        }
        Optional<ConntrackObjects.Entry> found = answers.stream()
                .filter(answer -> answer.mark() == mark && answer.nat().equals(entry))
                .findFirst();
        answers.clear();
        return found;
    }

    private void query(int query, Pointer data, String what) {
        if (closed) {
            throw new IllegalStateException("conntrack table closed");
        }
        if (lib.nfct_query(handle, query, data) != 0) {
            throw new ConntrackException(what, jnr.ffi.Runtime.getRuntime(lib).getLastError());
        }
    }
}
