package org.mediaproxy.common.daemon;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * An AF_UNIX datagram socket that sends to socket paths, e.g. {@code /dev/log} or
 * {@code $NOTIFY_SOCKET}. The JDK's DatagramChannel cannot do AF_UNIX, hence Netty's epoll
 * transport. A path starting with a NUL character names a socket in the abstract namespace.
 *
 * <p>Not connected on purpose: every datagram is addressed, so the receiver may be restarted
 * (syslog daemons are) without this side noticing.
 */
final class UnixDatagramSender implements AutoCloseable {

    private static final long CLOSE_WAIT_MILLIS = 1000;

    private final EventLoopGroup group;
    private final Channel channel;
    private volatile ChannelFuture lastSend;

    /** @param threadName names the single (daemon) I/O thread, which never keeps the JVM alive */
    UnixDatagramSender(String threadName) throws IOException {
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(threadName, true),
                EpollIoHandler.newFactory());
        // Netty only writes on an active (bound) channel. The empty path makes Linux "autobind"
        // the socket to a fresh abstract name, which leaves nothing behind in the file system.
        ChannelFuture binding = new Bootstrap()
                .group(group)
                .channel(EpollDomainDatagramChannel.class)
                .handler(new ChannelInboundHandlerAdapter())
                .bind(new DomainSocketAddress(""))
                .awaitUninterruptibly();
        if (!binding.isSuccess()) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IOException("cannot open an AF_UNIX datagram socket", binding.cause());
        }
        channel = binding.channel();
    }

    /** Queues one datagram; the future tells whether the kernel accepted it. */
    ChannelFuture send(String path, byte[] payload) {
        ChannelFuture future = channel.writeAndFlush(
                new DomainDatagramPacket(Unpooled.wrappedBuffer(payload), new DomainSocketAddress(path)));
        lastSend = future;
        return future;
    }

    /** Waits briefly for queued datagrams, then releases the socket and its thread. */
    @Override
    public void close() {
        ChannelFuture last = lastSend;
        if (last != null) {
            last.awaitUninterruptibly(CLOSE_WAIT_MILLIS);
        }
        channel.close().awaitUninterruptibly(CLOSE_WAIT_MILLIS);
        group.shutdownGracefully(0, CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(CLOSE_WAIT_MILLIS);
    }
}
