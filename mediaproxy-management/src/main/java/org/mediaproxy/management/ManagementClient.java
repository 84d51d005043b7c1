package org.mediaproxy.management;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mediaproxy.common.tls.ConnectionDescriptions;
import org.mediaproxy.common.tls.Passport;
import org.mediaproxy.common.tls.PeerVerified;
import org.mediaproxy.common.tls.PeerVerifier;
import org.mediaproxy.common.tls.TlsCredentials;

/**
 * A connection to a dispatcher's management port (ours or the original's): one command line out,
 * one answer line back. Every way it can go wrong ends in a {@link ManagementException} whose
 * message tells the operator what happened.
 */
public final class ManagementClient implements AutoCloseable {

    /** Answers can hold every session of every relay. */
    private static final int MAX_ANSWER = 64 * 1024 * 1024;
    private static final String CLOSED = "\0closed";

    private final EventLoopGroup group;
    private final Channel channel;
    private final BlockingQueue<String> answers;
    private final Duration timeout;
    private final String target;

    private ManagementClient(EventLoopGroup group, Channel channel, BlockingQueue<String> answers, Duration timeout,
            String target) {
        this.group = group;
        this.channel = channel;
        this.answers = answers;
        this.timeout = timeout;
        this.target = target;
    }

    public static ManagementClient connect(InetSocketAddress address, Optional<TlsCredentials> tls, Passport passport,
            Duration timeout) throws ManagementException {
        String target = "dispatcher " + address.getHostString() + ":" + address.getPort();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline pipeline = ch.pipeline();
                        tls.ifPresent(credentials -> {
                            pipeline.addLast(credentials.clientContext().newHandler(ch.alloc(),
                                    address.getHostString(), address.getPort()));
                            pipeline.addLast(new PeerVerifier(credentials, passport, Duration.ZERO, "dispatcher"));
                        });
                        pipeline.addLast(new LineBasedFrameDecoder(MAX_ANSWER));
                        pipeline.addLast(new StringDecoder(StandardCharsets.UTF_8));
                        pipeline.addLast(new AnswerCollector(answers, ready, tls.isPresent()));
                    }
                });
        try {
            ChannelFuture connect = bootstrap.connect(address);
            if (!connect.awaitUninterruptibly(timeout.toMillis() + 1000) || !connect.isSuccess()) {
                throw new ManagementException("cannot connect to " + target + ": "
                        + (connect.cause() == null ? "timed out" : ConnectionDescriptions.reason(connect.cause())));
            }
            ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new ManagementClient(group, connect.channel(), answers, timeout, target);
        } catch (ExecutionException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new ManagementException("TLS with " + target + " failed: " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new ManagementException("TLS handshake with " + target + " timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new ManagementException("interrupted");
        } catch (ManagementException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Sends one command and returns its single-line answer. */
    public String ask(String command) throws ManagementException {
        channel.writeAndFlush(io.netty.buffer.Unpooled.copiedBuffer(command + "\r\n", StandardCharsets.UTF_8));
        try {
            String answer = answers.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (answer == null) {
                throw new ManagementException("no answer to '" + command + "' from " + target + " within "
                        + timeout.toSeconds() + " s");
            }
            if (answer.equals(CLOSED)) {
                answers.add(CLOSED);
                throw new ManagementException(target + " closed the connection (if it uses TLS, check that it "
                        + "accepts this client's certificate: management_passport)");
            }
            return answer;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ManagementException("interrupted");
        }
    }

    @Override
    public void close() {
        if (channel.isActive()) {
            channel.writeAndFlush(io.netty.buffer.Unpooled.copiedBuffer("quit\r\n", StandardCharsets.UTF_8));
        }
        channel.close().awaitUninterruptibly(1000);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2000);
    }

    /** Collects answer lines; signals readiness once TLS (if any) verified the dispatcher. */
    private static final class AnswerCollector extends SimpleChannelInboundHandler<String> {
        private final BlockingQueue<String> answers;
        private final CompletableFuture<Void> ready;
        private final boolean tls;

        AnswerCollector(BlockingQueue<String> answers, CompletableFuture<Void> ready, boolean tls) {
            this.answers = answers;
            this.ready = ready;
            this.tls = tls;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (!tls) {
                ready.complete(null);
            }
            ctx.fireChannelActive();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof PeerVerified) {
                ready.complete(null);
            } else if (event instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
                ready.completeExceptionally(new IllegalStateException(ConnectionDescriptions.reason(handshake.cause())));
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            answers.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            ready.completeExceptionally(new IllegalStateException(
                    "the dispatcher closed the connection during TLS set-up (wrong passport, or it refused our certificate)"));
            answers.add(CLOSED);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ready.completeExceptionally(new IllegalStateException(ConnectionDescriptions.reason(cause)));
            ctx.close();
        }
    }
}
