package org.mediaproxy.relay.forwarding.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import jnr.ffi.Pointer;

/**
 * A {@code NETLINK_NETFILTER} socket driven without a C helper library: the one socket speaks
 * both ctnetlink (conntrack entries) and nf_tables (set elements), so one hand-over is a few
 * {@code send} calls and one read of the acknowledgements. Messages are written into
 * {@link #request()} and replies land in {@link #reply()}; both are preallocated direct buffers,
 * so a round trip allocates nothing.
 * <p>
 * Not thread-safe: its owner serialises use. The socket belongs to the network namespace of the
 * thread that calls {@link #open}.
 */
final class NetlinkSocket implements AutoCloseable {

    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int NETLINK_NETFILTER = 12;
    private static final int SOL_NETLINK = 270;
    private static final int NETLINK_CAP_ACK = 10;
    private static final int NETLINK_EXT_ACK = 11;
    /** The kernel answers while it handles the request; a reply that takes this long never comes. */
    private static final long RECEIVE_TIMEOUT_SECONDS = 2;
    private static final int BUFFER_SIZE = 64 * 1024;

    private final int fd;
    private final ByteBuffer request = ByteBuffer.allocateDirect(BUFFER_SIZE).order(ByteOrder.nativeOrder());
    private final ByteBuffer reply = ByteBuffer.allocateDirect(BUFFER_SIZE).order(ByteOrder.nativeOrder());
    private final Pointer requestAddress;
    private final Pointer replyAddress;
    private boolean closed;

    private NetlinkSocket(int fd) {
        this.fd = fd;
        jnr.ffi.Runtime runtime = jnr.ffi.Runtime.getRuntime(LibC.INSTANCE);
        this.requestAddress = Pointer.wrap(runtime, request);
        this.replyAddress = Pointer.wrap(runtime, reply);
    }

    /** Opens and binds a socket in the calling thread's network namespace (the kernel picks the port id). */
    static NetlinkSocket open() {
        LibC libc = LibC.INSTANCE;
        int fd = libc.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
        if (fd < 0) {
            throw new ConntrackException("socket(AF_NETLINK, NETLINK_NETFILTER)", LibC.lastError());
        }
        // struct sockaddr_nl: family, pad, pid 0 (kernel assigns), groups 0
        byte[] address = new byte[12];
        ByteBuffer.wrap(address).order(ByteOrder.nativeOrder()).putShort(0, (short) AF_NETLINK);
        if (libc.bind(fd, address, address.length) != 0) {
            int errno = LibC.lastError();
            libc.close(fd);
            throw new ConntrackException("bind(netlink)", errno);
        }
        // Acknowledgements without a copy of the request, but with the kernel's error text.
        libc.setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, new int[] {1}, 4);
        libc.setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, new int[] {1}, 4);
        libc.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, new long[] {RECEIVE_TIMEOUT_SECONDS, 0}, 16);
        return new NetlinkSocket(fd);
    }

    /** Where the next datagram is written; {@link #send} sends its first {@code position()} bytes. */
    ByteBuffer request() {
        return request;
    }

    /** The last datagram {@link #receive} read, from 0 to its limit. */
    ByteBuffer reply() {
        return reply;
    }

    /** Sends the request buffer as one datagram (the kernel handles it before this returns) and clears it. */
    void send() {
        ensureOpen();
        int length = request.position();
        long sent = LibC.INSTANCE.send(fd, requestAddress, length, 0);
        if (sent != length) {
            throw new ConntrackException("netlink send", sent < 0 ? LibC.lastError() : 0);
        }
        request.clear();
    }

    /** Reads one datagram into the reply buffer. */
    void receive() {
        ensureOpen();
        while (true) {
            long received = LibC.INSTANCE.recv(fd, replyAddress, BUFFER_SIZE, 0);
            if (received >= 0) {
                reply.clear().limit((int) received);
                return;
            }
            int errno = LibC.lastError();
            if (errno != LibC.EINTR) {
                throw new ConntrackException("netlink receive", errno);
            }
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.INSTANCE.close(fd);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("netlink socket closed");
        }
    }
}
