package org.mediaproxy.relay.forwarding.userspace;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollIoHandler;
import java.util.concurrent.TimeUnit;
import org.mediaproxy.relay.forwarding.ForwardingEngine;
import org.mediaproxy.relay.forwarding.StreamForwarding;
import org.mediaproxy.relay.forwarding.StreamSockets;

/**
 * Relays media in user space with Netty's native epoll UDP transport. Streams are spread over a
 * fixed set of event-loop threads; all four sockets of a stream live on one of them, so packet
 * handling needs no locks. Each datagram is read with one {@code recvmsg}; writes are flushed once
 * per read and go out with {@code sendmmsg} when several are pending.
 *
 * <p>Why not {@code recvmmsg}: a media socket receives one packet every 20 ms per party, so the
 * loop almost always finds a single datagram waiting, and Netty's {@code recvmmsg} path costs an
 * extra {@code getsockopt} per call (2.5 instead of 2.1 system calls per relayed packet, about 15%
 * more CPU per packet in {@code bin/bench}). The sockets are level-triggered, so a burst is still
 * read completely, one datagram per wake-up.
 */
public final class UserspaceEngine implements ForwardingEngine {

    /** Largest datagram relayed intact; bigger ones are truncated (RTP stays below an MTU). */
    static final int MAX_DATAGRAM = 2048;

    private final int threads;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;

    /** @param threads event-loop threads to spread streams over (the machine's cores is a good value) */
    public UserspaceEngine(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        this.threads = threads;
        this.group = new MultiThreadIoEventLoopGroup(threads, EpollIoHandler.newFactory());
        this.bootstrap = new Bootstrap()
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM))
                // A UDP relay drops rather than buffers when the kernel send queue is full.
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024));
        // The allocator initialises lazily and that takes over a second on a small machine: pay it
        // now rather than on the first call's first packet.
        ByteBufAllocator.DEFAULT.directBuffer(MAX_DATAGRAM).release();
    }

    @Override
    public String name() {
        return "userspace (Netty epoll, " + threads + (threads == 1 ? " thread)" : " threads)");
    }

    @Override
    public StreamSockets open(StreamForwarding stream) {
        return new UserspaceStream(group.next(), bootstrap, stream);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
