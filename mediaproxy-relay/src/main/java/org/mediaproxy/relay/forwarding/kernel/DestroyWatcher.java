package org.mediaproxy.relay.forwarding.kernel;

import static org.mediaproxy.relay.forwarding.kernel.LibNetfilterConntrack.*;

import java.util.concurrent.TimeUnit;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens for conntrack DESTROY events and reports those of entries carrying our mark, with
 * their final counters: that is how the relay learns that the kernel expired an idle stream.
 * <p>
 * Start it before creating any entry: with the default {@code nf_conntrack_events = 2} the kernel
 * only records events for entries born while a listener was subscribed. One thread of its own
 * waits in {@code poll} on the netlink socket and on a wake-up pipe, so {@link #close} returns
 * promptly. The socket belongs to the network namespace of the thread that calls {@link #start}.
 */
public final class DestroyWatcher implements AutoCloseable {

    /** Receives events on the watcher's thread; keep it short and never block. */
    public interface Listener {

        void destroyed(NatEntry entry, FlowCounters finalCounters);

        /**
         * The socket buffer overflowed and events were dropped by the kernel: some of our
         * entries may have died unreported, so their owners should check them.
         */
        default void eventsLost() {
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(DestroyWatcher.class);
    private static final int RECEIVE_BUFFER = 4 << 20;

    private final LibNetfilterConntrack lib;
    private final Pointer handle;
    private final int socket;
    private final int[] wakePipe = {-1, -1};
    private boolean released;
    private final int mark;
    private final Listener listener;
    private final ConntrackObjects objects;
    /** Strong reference: the native side keeps only a pointer to the callback's stub. */
    private final LibNetfilterConntrack.Callback callback;
    private final Thread thread;
    private volatile boolean closing;

    private DestroyWatcher(LibNetfilterConntrack lib, Pointer handle, int mark, Listener listener) {
        this.lib = lib;
        this.handle = handle;
        this.socket = lib.nfct_fd(handle);
        this.mark = mark;
        this.listener = listener;
        this.objects = new ConntrackObjects(lib);
        this.callback = (type, ct, data) -> {
            deliver(ct);
            return NFCT_CB_CONTINUE;
        };
        this.thread = new Thread(this::run, "conntrack-destroy-watcher");
        thread.setDaemon(true);
    }

    /** Subscribes (in the calling thread's network namespace) and starts the watcher thread. */
    public static DestroyWatcher start(int mark, Listener listener) {
        return start(LibNetfilterConntrack.load(), mark, listener);
    }

    static DestroyWatcher start(LibNetfilterConntrack lib, int mark, Listener listener) {
        Pointer handle = lib.nfct_open(CONNTRACK, NF_NETLINK_CONNTRACK_DESTROY);
        if (handle == null) {
            throw new ConntrackException("nfct_open(DESTROY events)", jnr.ffi.Runtime.getRuntime(lib).getLastError());
        }
        DestroyWatcher watcher = new DestroyWatcher(lib, handle, mark, listener);
        try {
            watcher.configure();
        } catch (RuntimeException e) {
            watcher.releaseNative();
            throw e;
        }
        watcher.thread.start();
        return watcher;
    }

    private void configure() {
        LibC libc = LibC.INSTANCE;
        if (libc.pipe2(wakePipe, LibC.O_CLOEXEC | LibC.O_NONBLOCK) != 0) {
            throw new IllegalStateException("pipe2: " + Errno.describe(LibC.lastError()));
        }
        // nfct_catch reads until the socket is empty and then returns EAGAIN instead of blocking,
        // so the thread can go back to poll and notice close().
        int flags = libc.fcntl(socket, LibC.F_GETFL, 0);
        if (flags < 0 || libc.fcntl(socket, LibC.F_SETFL, flags | LibC.O_NONBLOCK) < 0) {
            throw new IllegalStateException("fcntl(O_NONBLOCK): " + Errno.describe(LibC.lastError()));
        }
        // Call set-up and tear-down bursts produce events in bursts; a larger buffer makes
        // ENOBUFS (lost events) unlikely. Best effort: the default still works.
        if (libc.setsockopt(socket, LibC.SOL_SOCKET, LibC.SO_RCVBUFFORCE, new int[] {RECEIVE_BUFFER}, 4) != 0) {
            LOG.debug("SO_RCVBUFFORCE failed: {}", Errno.describe(LibC.lastError()));
        }
        attachMarkFilter();
        if (lib.nfct_callback_register(handle, NFCT_T_DESTROY, callback, null) != 0) {
            throw new ConntrackException("nfct_callback_register", jnr.ffi.Runtime.getRuntime(lib).getLastError());
        }
    }

    /**
     * Lets the kernel drop events of entries that are not ours before they are queued on our
     * socket (a busy host destroys many connections). Events are still checked in Java, so a
     * failure here only costs work.
     */
    private void attachMarkFilter() {
        Pointer filter = lib.nfct_filter_create();
        if (filter == null) {
            return;
        }
        try {
            Pointer markAndMask = Memory.allocateDirect(jnr.ffi.Runtime.getRuntime(lib), 8);
            markAndMask.putInt(0, mark);
            markAndMask.putInt(4, 0xffffffff);
            lib.nfct_filter_add_attr(filter, NFCT_FILTER_MARK, markAndMask);
            if (lib.nfct_filter_attach(socket, filter) != 0) {
                LOG.debug("conntrack event filter not attached: {}", Errno.describe(LibC.lastError()));
            }
        } finally {
            lib.nfct_filter_destroy(filter);
        }
    }

    private void run() {
        Pointer fds = Memory.allocateDirect(jnr.ffi.Runtime.getRuntime(lib), 16);
        fds.putInt(0, socket);
        fds.putShort(4, LibC.POLLIN);
        fds.putInt(8, wakePipe[0]);
        fds.putShort(12, LibC.POLLIN);
        LibC libc = LibC.INSTANCE;
        try {
            while (!closing) {
                fds.putShort(6, (short) 0);
                fds.putShort(14, (short) 0);
                if (libc.poll(fds, 2, -1) < 0) {
                    int errno = LibC.lastError();
                    if (errno == LibC.EINTR) {
                        continue;
                    }
                    LOG.error("conntrack DESTROY watcher stops: poll failed: {}", Errno.describe(errno));
                    return;
                }
                if (closing || fds.getShort(14) != 0) {
                    return;
                }
                if (fds.getShort(6) != 0) {
                    receive();
                }
            }
        } finally {
            releaseNative();
        }
    }

    private void receive() {
        if (lib.nfct_catch(handle) >= 0) {
            return;
        }
        int errno = jnr.ffi.Runtime.getRuntime(lib).getLastError();
        if (errno == LibC.ENOBUFS) {
            LOG.warn("conntrack DESTROY events were lost (socket buffer overflow)");
            safely(listener::eventsLost);
        } else if (errno != LibC.EAGAIN && errno != LibC.EINTR) {
            LOG.warn("reading conntrack events failed: {}", Errno.describe(errno));
        }
    }

    private void deliver(Pointer ct) {
        try {
            objects.read(ct)
                    .filter(entry -> entry.mark() == mark)
                    .ifPresent(entry -> listener.destroyed(entry.nat(), entry.counters()));
        } catch (RuntimeException e) {
            // Never unwind through the C frames of nfct_catch.
            LOG.error("DESTROY event listener failed", e);
        }
    }

    private static void safely(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.error("DESTROY event listener failed", e);
        }
    }

    private synchronized void releaseNative() {
        if (released) {
            return;
        }
        released = true;
        if (wakePipe[0] >= 0) {
            LibC.INSTANCE.close(wakePipe[0]);
            LibC.INSTANCE.close(wakePipe[1]);
        }
        lib.nfct_callback_unregister(handle);
        lib.nfct_close(handle);
    }

    /** Stops the thread and closes the socket; events after this are not delivered. */
    @Override
    public void close() {
        closing = true;
        synchronized (this) {
            if (!released) {
                LibC.INSTANCE.write(wakePipe[1], new byte[] {1}, 1);
            }
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
