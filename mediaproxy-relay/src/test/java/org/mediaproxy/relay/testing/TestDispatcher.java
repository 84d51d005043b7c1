package org.mediaproxy.relay.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * A dispatcher's relay listener for tests: TLS with required client certificates, lines in,
 * raw bytes out, {@code ping} answered with {@code pong} unless told otherwise. Every accepted
 * connection (handshake done) is handed out through {@link #nextConnection(Duration)}.
 */
public final class TestDispatcher implements AutoCloseable {

    /** One relay connection as the dispatcher sees it. */
    public static final class Connection {
        public final long acceptedNanos = System.nanoTime();
        /** Every line received except {@code ping}, without its line end. */
        public final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        /** Arrival times ({@link System#nanoTime()}) of the pings received. */
        public final BlockingQueue<Long> pings = new LinkedBlockingQueue<>();
        /** Completes with the time ({@link System#nanoTime()}) the connection closed. */
        public final CompletableFuture<Long> closed = new CompletableFuture<>();
        private final Channel channel;
        private final X509Certificate relayCertificate;

        Connection(Channel channel, X509Certificate relayCertificate) {
            this.channel = channel;
            this.relayCertificate = relayCertificate;
            channel.closeFuture().addListener(done -> closed.complete(System.nanoTime()));
        }

        public void send(String raw) {
            channel.writeAndFlush(Unpooled.copiedBuffer(raw, StandardCharsets.UTF_8)).syncUninterruptibly();
        }

        public String nextLine(Duration timeout) throws InterruptedException {
            return lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        public X509Certificate relayCertificate() {
            return relayCertificate;
        }

        public void close() {
            channel.close().syncUninterruptibly();
        }
    }

    private final Channel server;
    private final BlockingQueue<Connection> connections = new LinkedBlockingQueue<>();
    private volatile boolean answerPings = true;

    private TestDispatcher(EventLoopGroup group, SslContext tls, InetSocketAddress address) {
        server = new ServerBootstrap()
                .group(group)
                .channel(EpollServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc()),
                                new LineBasedFrameDecoder(4 * 1024 * 1024),
                                new StringDecoder(StandardCharsets.UTF_8),
                                new Handler());
                    }
                })
                .bind(address)
                .syncUninterruptibly()
                .channel();
    }

    public static TestDispatcher start(EventLoopGroup group, SslContext tls, String host, int port) {
        return new TestDispatcher(group, tls, new InetSocketAddress(host, port));
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public void answerPings(boolean answer) {
        answerPings = answer;
    }

    /** The next accepted connection, or null after the timeout. */
    public Connection nextConnection(Duration timeout) throws InterruptedException {
        return connections.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<String> {
        private Connection connection;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof SslHandshakeCompletionEvent handshake && handshake.isSuccess()) {
                X509Certificate peer;
                try {
                    peer = (X509Certificate) ctx.pipeline().get(SslHandler.class).engine().getSession().getPeerCertificates()[0];
                } catch (SSLPeerUnverifiedException e) {
                    ctx.close();
                    return;
                }
                connection = new Connection(ctx.channel(), peer);
                connections.add(connection);
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            String text = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            if (text.equals("ping")) {
                connection.pings.add(System.nanoTime());
                if (answerPings) {
                    ctx.writeAndFlush(Unpooled.copiedBuffer("pong\r\n", StandardCharsets.UTF_8));
                }
            } else {
                connection.lines.add(text);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
