package org.mediaproxy.dispatcher;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Plays OpenSIPS's {@code mi_datagram} socket: records datagrams, answers to their sender. */
final class FakeOpenSipsMi implements AutoCloseable {

    private final Channel channel;
    private final BlockingQueue<String> received;
    private volatile DomainSocketAddress lastSender;

    private FakeOpenSipsMi(Channel channel, BlockingQueue<String> received) {
        this.channel = channel;
        this.received = received;
    }

    static FakeOpenSipsMi bind(EventLoopGroup group, Path path) throws InterruptedException {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        FakeOpenSipsMi[] self = new FakeOpenSipsMi[1];
        Channel channel = new Bootstrap()
                .group(group)
                .channel(EpollDomainDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket packet) {
                        self[0].lastSender = packet.sender();
                        received.add(packet.content().toString(StandardCharsets.UTF_8));
                    }
                })
                .bind(new DomainSocketAddress(path.toFile())).sync().channel();
        self[0] = new FakeOpenSipsMi(channel, received);
        return self[0];
    }

    /** The next datagram, or null if none arrives within {@code timeout}. */
    String next(Duration timeout) throws InterruptedException {
        return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Answers the last request, as OpenSIPS does, to the socket it came from. */
    void answer(String text) {
        channel.writeAndFlush(new DomainDatagramPacket(ByteBufUtil.writeUtf8(channel.alloc(), text), lastSender))
                .syncUninterruptibly();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
