package org.mediaproxy.common.tls;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A dispatcher-like TLS server and relay-like TLS clients on loopback with real epoll sockets,
 * wired the way the daemons wire them: SslHandler, PeerVerifier, the protocol handler (here an
 * echo that records what happened), ConnectionFailureLogger.
 */
final class LoopbackTls implements AutoCloseable {

    /** What one end of a connection saw. */
    static final class End extends ChannelInboundHandlerAdapter {
        final CompletableFuture<PeerVerified> verified = new CompletableFuture<>();
        final CompletableFuture<String> received = new CompletableFuture<>();
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        private final boolean greets;
        volatile Channel channel;

        End(boolean greets) {
            this.greets = greets;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            channel = ctx.channel();
            super.channelActive(ctx);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof PeerVerified peer) {
                verified.complete(peer);
                if (greets) {
                    ctx.writeAndFlush(Unpooled.copiedBuffer("hello\n", StandardCharsets.US_ASCII));
                }
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            ByteBuf data = (ByteBuf) message;
            received.complete(data.toString(StandardCharsets.US_ASCII));
            if (greets) {
                data.release();
            } else {
                ctx.writeAndFlush(data);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed.complete(null);
        }

        boolean closedWithin(Duration timeout) {
            try {
                closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return true;
            } catch (Exception e) {
                return false;
            }
        }
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    private final BlockingQueue<End> accepted = new LinkedBlockingQueue<>();
    private Channel server;

    /** Starts the server side: dispatcher credentials, checking relays with {@code passport}. */
    InetSocketAddress serve(TlsCredentials credentials, Passport passport, Duration verifyInterval)
            throws InterruptedException {
        server = new ServerBootstrap()
                .group(group)
                .channel(EpollServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        End end = new End(false);
                        accepted.add(end);
                        channel.pipeline().addLast(credentials.serverContext().newHandler(channel.alloc()),
                                new PeerVerifier(credentials, passport, verifyInterval, "relay"),
                                end,
                                new ConnectionFailureLogger("relay"));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        return (InetSocketAddress) server.localAddress();
    }

    /** Connects a relay-like client that says "hello" once it has verified the server. */
    End connect(InetSocketAddress address, TlsCredentials credentials, Passport passport, Duration verifyInterval)
            throws InterruptedException {
        End end = new End(true);
        new Bootstrap()
                .group(group)
                .channel(EpollSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(credentials.clientContext().newHandler(channel.alloc()),
                                new PeerVerifier(credentials, passport, verifyInterval, "dispatcher"),
                                end,
                                new ConnectionFailureLogger("dispatcher"));
                    }
                })
                .connect(address).sync();
        return end;
    }

    /** The server's end of the next accepted connection. */
    End accepted() throws InterruptedException {
        End end = accepted.poll(5, TimeUnit.SECONDS);
        if (end == null) {
            throw new AssertionError("no connection accepted within 5 s");
        }
        return end;
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
