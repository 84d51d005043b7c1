package org.mediaproxy.relay.link;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's connection to one dispatcher: a TLS client that keeps itself connected
 * (dispatcher-relay-protocol.md §6, §9), checks the dispatcher's passport, pings it and hands its
 * commands to the session table through {@link RelayControl}.
 *
 * <p>Reconnect rules, as in the original: a failed connection attempt is retried after
 * {@code reconnect_delay}; a lost connection after 1 s, unless it failed on its certificate or the
 * previous connection was also lost and this one did not live 5 s, then after
 * {@code reconnect_delay}.
 *
 * <p>All state lives on one event loop; public methods may be called from any thread.
 */
public final class DispatcherLink {

    private static final Logger LOG = LoggerFactory.getLogger(DispatcherLink.class);
    private static final RelayMessageEncoder ENCODER = new RelayMessageEncoder();
    private static final Duration STABLE_AFTER = Duration.ofSeconds(5);
    private static final int MAX_OUTSTANDING_PINGS = 3;
    private static final int CONNECT_TIMEOUT_MILLIS = 30_000;

    private final DispatcherAddress address;
    private final LinkEnvironment env;
    private final Runnable sessionEnded;
    private final EventLoop loop;
    private final CompletableFuture<Void> disconnected = new CompletableFuture<>();

    /** The accepted connection (handshake done, passport matched), if any. */
    private volatile Channel live;

    // Confined to the event loop.
    private boolean stopped;
    private boolean recentLoss;
    private Channel channel;
    private ChannelFuture lastWrite;
    private ScheduledFuture<?> reconnect;

    /**
     * @param sessionEnded run on the control thread after each {@code remove} that came through
     *                     this link, so that a retired link can be let go when its last session ends
     */
    public DispatcherLink(DispatcherAddress address, LinkEnvironment env, Runnable sessionEnded) {
        this.address = address;
        this.env = env;
        this.sessionEnded = sessionEnded;
        this.loop = env.group().next();
    }

    /** The id under which sessions created through this link are kept. */
    public String id() {
        return address.toString();
    }

    public DispatcherAddress address() {
        return address;
    }

    public boolean isConnected() {
        return live != null;
    }

    public void start() {
        loop.execute(this::connect);
    }

    /**
     * Queues a message on the current connection.
     *
     * @return false when there is no connection to send it on
     */
    public boolean send(RelayMessage message) {
        Channel target = live;
        if (target == null) {
            return false;
        }
        loop.execute(() -> write(target, message));
        return true;
    }

    /**
     * Stops reconnecting and closes the connection once everything queued on it so far has been
     * written (an {@code expired} sent just before reaches the dispatcher).
     *
     * @return completes when the connection is closed
     */
    public CompletableFuture<Void> disconnect() {
        loop.execute(() -> {
            if (stopped) {
                return;
            }
            stopped = true;
            if (reconnect != null) {
                reconnect.cancel(false);
            }
            Channel current = channel;
            if (current == null) {
                disconnected.complete(null);
                return;
            }
            current.closeFuture().addListener(closed -> {
                live = null;
                disconnected.complete(null);
            });
            if (lastWrite != null && lastWrite.channel() == current && !lastWrite.isDone()) {
                lastWrite.addListener(written -> current.close());
            } else {
                current.close();
            }
        });
        return disconnected;
    }

    private void write(Channel target, RelayMessage message) {
        if (target == channel && target.isActive()) {
            lastWrite = target.writeAndFlush(message);
        }
    }

    private void connect() {
        reconnect = null;
        if (stopped) {
            return;
        }
        InetAddress literal = NetUtil.createInetAddressFromIpAddressString(address.host());
        if (literal != null) {
            open(new InetSocketAddress(literal, address.port()));
            return;
        }
        try {
            env.dns().execute(() -> {
                try {
                    InetAddress resolved = env.resolver().address(address.host());
                    loop.execute(() -> open(new InetSocketAddress(resolved, address.port())));
                } catch (UnknownHostException e) {
                    loop.execute(() -> connectFailed("cannot resolve " + address.host()));
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("DNS thread stopped, not connecting to {}", address);
        }
    }

    private void open(InetSocketAddress remote) {
        if (stopped) {
            return;
        }
        Connection connection = new Connection();
        ChannelFuture connecting = new Bootstrap()
                .group(loop)
                .channel(EpollSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        SslHandler tls = env.tls().get().newHandler(ch.alloc(), address.host(), address.port());
                        // Dispatchers are known by their CA and passport, not by host name (§1 of the
                        // protocol); Netty 4.2 client contexts check the name unless told otherwise.
                        // The JDK ignores null here, an empty algorithm turns the check off.
                        SSLEngine engine = tls.engine();
                        SSLParameters parameters = engine.getSSLParameters();
                        parameters.setEndpointIdentificationAlgorithm("");
                        engine.setSSLParameters(parameters);
                        ch.pipeline().addLast(tls, new DispatcherMessageDecoder(), ENCODER, connection);
                    }
                })
                .connect(remote);
        channel = connecting.channel();
        connecting.addListener(done -> {
            if (!done.isSuccess() && !stopped) {
                connectFailed(String.valueOf(done.cause().getMessage()));
            }
        });
    }

    private void connectFailed(String reason) {
        channel = null;
        if (stopped) {
            return;
        }
        Duration delay = env.settings().reconnectDelay();
        LOG.error("Could not connect to dispatcher at {} (retrying in {} seconds): {}", address, seconds(delay), reason);
        retryAfter(delay);
    }

    private void lost(Connection connection) {
        if (connection.channel == channel) {
            channel = null;
        }
        if (stopped) {
            LOG.info("Disconnected from dispatcher at {}", address);
            disconnected.complete(null);
            return;
        }
        Duration delay = connection.certificateError || recentLoss
                ? env.settings().reconnectDelay()
                : env.settings().quickRetryDelay();
        recentLoss = true;
        LOG.error("Connection with dispatcher at {} was lost (reconnecting in {} seconds)", address, seconds(delay));
        retryAfter(delay);
    }

    private void retryAfter(Duration delay) {
        reconnect = loop.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static String seconds(Duration delay) {
        return BigDecimal.valueOf(delay.toMillis(), 3).stripTrailingZeros().toPlainString();
    }

    /** One connection attempt, from TCP connect to close. */
    private final class Connection extends ChannelInboundHandlerAdapter {

        private Channel channel;
        private boolean accepted;
        private boolean certificateError;
        private int outstandingPings;
        private ScheduledFuture<?> stable;
        private ScheduledFuture<?> keepalive;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            // The previous loss is forgiven once this connection has lived a while.
            stable = loop.schedule(() -> {
                recentLoss = false;
            }, STABLE_AFTER.toMillis(), TimeUnit.MILLISECONDS);
            ctx.fireChannelActive();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof SslHandshakeCompletionEvent handshake) {
                if (handshake.isSuccess()) {
                    checkPassport(ctx);
                } else {
                    certificateError = true;
                    LOG.error("TLS handshake with dispatcher at {} failed: {}", address, handshake.cause().getMessage());
                    LOG.debug("TLS handshake failure", handshake.cause());
                    ctx.close();
                }
                return;
            }
            ctx.fireUserEventTriggered(event);
        }

        private void checkPassport(ChannelHandlerContext ctx) {
            X509Certificate certificate;
            try {
                Certificate[] chain = ctx.pipeline().get(SslHandler.class).engine().getSession().getPeerCertificates();
                certificate = (X509Certificate) chain[0];
            } catch (SSLPeerUnverifiedException e) {
                certificateError = true;
                LOG.error("Dispatcher at {} presented no certificate", address);
                ctx.close();
                return;
            }
            if (!env.passport().matches(certificate.getSubjectX500Principal())) {
                certificateError = true;
                LOG.error("Dispatcher at {} refused due to wrong passport: certificate subject '{}' does not match '{}'",
                        address, certificate.getSubjectX500Principal().getName(), env.passport());
                ctx.close();
                return;
            }
            accepted = true;
            live = ctx.channel();
            LOG.info("Connected to dispatcher at {}", address);
            long interval = env.settings().keepaliveInterval().toMillis();
            keepalive = loop.scheduleAtFixedRate(() -> keepalive(ctx), interval, interval, TimeUnit.MILLISECONDS);
        }

        private void keepalive(ChannelHandlerContext ctx) {
            if (outstandingPings >= MAX_OUTSTANDING_PINGS) {
                LOG.error("Missed {} keepalive answers in a row from dispatcher at {}, assuming the connection is down",
                        outstandingPings, address);
                keepalive.cancel(false);
                ctx.channel().close();
                return;
            }
            write(ctx.channel(), Ping.INSTANCE);
            outstandingPings++;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (!accepted) {
                // Bytes that arrived with a rejected handshake: the connection is already closing.
                ReferenceCountUtil.release(message);
                return;
            }
            Channel source = ctx.channel();
            if (message == Pong.INSTANCE) {
                outstandingPings = Math.max(0, outstandingPings - 1);
            } else if (message instanceof DispatcherCommand command) {
                env.control().run(id(), command, payload -> {
                    reply(source, new CommandReply(command.seq(), payload));
                    if (command.name().equals("remove")) {
                        sessionEnded.run();
                    }
                });
            } else if (message instanceof UnknownCommand unknown) {
                // Through the control thread too, so that it cannot overtake earlier replies.
                env.control().execute(() -> reply(source, new CommandReply(unknown.seq(), "error")));
            }
        }

        private void reply(Channel source, CommandReply reply) {
            loop.execute(() -> write(source, reply));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (accepted) {
                LOG.warn("Connection with dispatcher at {} failed: {}", address, cause.getMessage());
            } else {
                // A failed handshake is reported by its completion event.
                LOG.debug("Connection attempt to dispatcher at {} failed", address, cause);
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (stable != null) {
                stable.cancel(false);
            }
            if (keepalive != null) {
                keepalive.cancel(false);
            }
            if (live == ctx.channel()) {
                live = null;
            }
            lost(this);
        }
    }
}
