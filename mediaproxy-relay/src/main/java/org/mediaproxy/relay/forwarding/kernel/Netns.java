package org.mediaproxy.relay.forwarding.kernel;

import java.nio.file.Path;

/**
 * Moves the calling thread into another network namespace. Linux keeps the network namespace
 * per thread: sockets (netlink ones included) belong to the namespace of the thread that opens
 * them, {@code /proc/sys/net} shows that thread's namespace, and threads and processes started
 * from it inherit it. The JDK has no call for this, hence the FFI.
 */
public final class Netns {

    private Netns() {
    }

    /** Enters the namespace bound at {@code path} (e.g. {@code /run/netns/NAME}). */
    public static void enter(Path path) {
        LibC libc = LibC.INSTANCE;
        int fd = libc.open(path.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
        if (fd < 0) {
            throw new IllegalStateException("cannot open " + path + ": " + Errno.describe(LibC.lastError()));
        }
        try {
            if (libc.setns(fd, LibC.CLONE_NEWNET) != 0) {
                throw new IllegalStateException("setns(" + path + ") failed: " + Errno.describe(LibC.lastError()));
            }
        } finally {
            libc.close(fd);
        }
    }

    /**
     * Gives the calling thread a new, empty network namespace of its own (only {@code lo}, down).
     * It disappears when the last thread or process in it ends and nothing else refers to it.
     */
    public static void unshare() {
        if (LibC.INSTANCE.unshare(LibC.CLONE_NEWNET) != 0) {
            throw new IllegalStateException("unshare(CLONE_NEWNET) failed: " + Errno.describe(LibC.lastError()));
        }
    }

    /** The kernel's id of the calling thread, usable wherever a pid names a namespace ({@code ip link ... netns ID}). */
    public static int threadId() {
        return LibC.INSTANCE.gettid();
    }
}
