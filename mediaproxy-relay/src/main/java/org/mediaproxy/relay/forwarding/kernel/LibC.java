package org.mediaproxy.relay.forwarding.kernel;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The few libc calls the kernel path needs beyond what the JDK offers (namespaces, poll, socket
 * options). Public only because JNR-FFI generates its implementation in another class loader.
 */
public interface LibC {

    int CLONE_NEWNET = 0x40000000;
    int O_RDONLY = 0;
    int O_NONBLOCK = 0x800;
    int O_CLOEXEC = 0x80000;
    int F_GETFL = 3;
    int F_SETFL = 4;
    short POLLIN = 1;
    int SOL_SOCKET = 1;
    int SO_RCVBUFFORCE = 33;
    int EINTR = 4;
    int EAGAIN = 11;
    int ENOBUFS = 105;
    int SO_RCVTIMEO = 20;

    LibC INSTANCE = LibraryLoader.create(LibC.class).failImmediately().load("c");

    int setns(int fd, int nstype);

    int unshare(int flags);

    int gettid();

    int open(String path, int flags);

    int close(int fd);

    int pipe2(@Out int[] fds, int flags);

    @ssize_t long write(int fd, @In byte[] buffer, @size_t long count);

    int fcntl(int fd, int cmd, int arg);

    int setsockopt(int fd, int level, int name, @In int[] value, int length);

    /** For options whose value is a {@code struct timeval} (two longs on LP64). */
    int setsockopt(int fd, int level, int name, @In long[] value, int length);

    int socket(int domain, int type, int protocol);

    int bind(int fd, @In byte[] address, int length);

    @ssize_t long send(int fd, Pointer buffer, @size_t long length, int flags);

    @ssize_t long recv(int fd, Pointer buffer, @size_t long length, int flags);

    int poll(Pointer fds, long count, int timeoutMillis);

    String strerror(int errno);

    static int lastError() {
        return jnr.ffi.Runtime.getRuntime(INSTANCE).getLastError();
    }
}
