package org.mediaproxy.packaging;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Plays systemd's side of sd_notify: the AF_UNIX datagram socket that a {@code Type=notify}
 * service finds in {@code $NOTIFY_SOCKET}. Every datagram is kept as one message of
 * {@code KEY=value} lines.
 */
final class NotifySocket implements AutoCloseable {

    private final EventLoopGroup group;
    private final Channel channel;
    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();

    private NotifySocket(EventLoopGroup group, Path path) throws InterruptedException {
        this.group = group;
        this.channel = new Bootstrap()
                .group(group)
                .channel(EpollDomainDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket packet) {
                        messages.add(packet.content().toString(StandardCharsets.UTF_8));
                    }
                })
                .bind(new DomainSocketAddress(path.toString()))
                .sync()
                .channel();
    }

    /** Binds at {@code path} (a path as seen from this process). */
    static NotifySocket bind(Path path) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            return new NotifySocket(group, path);
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * Waits for a message containing the line {@code assignment} (e.g. {@code READY=1}) from
     * {@code sender} and returns it; gives up early when the sender exits.
     */
    String await(String assignment, Process sender, Duration timeout) throws InterruptedException {
        Predicate<String> wanted = message -> List.of(message.split("\n")).contains(assignment);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String message = messages.poll(100, TimeUnit.MILLISECONDS);
            if (message != null && wanted.test(message)) {
                return message;
            }
            if (message == null && !sender.isAlive()) {
                throw new AssertionError("no " + assignment + " before the process exited with " + sender.exitValue());
            }
        }
        throw new AssertionError("no " + assignment + " within " + timeout.toSeconds() + " s");
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
