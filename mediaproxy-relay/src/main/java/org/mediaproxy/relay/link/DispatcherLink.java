package org.mediaproxy.relay.link;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.NetUtil;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.mediaproxy.common.tls.ConnectionFailureLogger;
import org.mediaproxy.common.tls.PeerVerified;
import org.mediaproxy.common.tls.PeerVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's connection to one dispatcher: a mutual-TLS client that keeps itself connected
 * (dispatcher-relay-protocol.md §6, §9), has {@link PeerVerifier} check the dispatcher's
 * certificate and passport (and re-check it every {@code verify_interval}), pings it and hands its
 * commands to the session table through {@link RelayControl}.
 *
 * <p>Reconnect rules, as in the original: a failed connection attempt is retried after
 * {@code reconnect_delay}; a lost connection after 1 s, unless it ended before the dispatcher was
 * verified (a certificate error) or the previous connection was also lost and this one did not
 * live 5 s, then after {@code reconnect_delay}.
 *
 * <p>All state lives on one event loop; public methods may be called from any thread.
 */
public final class DispatcherLink {

    private static final Logger LOG = LoggerFactory.getLogger(DispatcherLink.class);
    private static final RelayMessageEncoder ENCODER = new RelayMessageEncoder();
    private static final Duration STABLE_AFTER = Duration.ofSeconds(5);
    private static final int MAX_OUTSTANDING_PINGS = 3;
    private static final int CONNECT_TIMEOUT_MILLIS = 30_000;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

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
     * written (an {@code expired} sent just before reaches the dispatcher) and the dispatcher has
     * closed its side, or after 2 s.
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
            closeGracefully(current);
        });
        return disconnected;
    }

    /**
     * Ends our half of the connection (TLS close_notify, then TCP FIN) after everything queued on
     * it, and closes once the dispatcher has closed its half. Closing at once could leave unread
     * bytes in our socket, and closing a socket with unread bytes sends a reset, on which the
     * dispatcher's kernel throws away the records it has not read yet.
     */
    private void closeGracefully(Channel current) {
        SslHandler tls = current.pipeline().get(SslHandler.class);
        if (tls == null || !current.isActive()) {
            current.close();
            return;
        }
        tls.closeOutbound().addListener(sent -> ((DuplexChannel) current).shutdownOutput());
        loop.schedule(() -> {
            current.close();
        }, CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void write(Channel target, RelayMessage message) {
        if (target == channel && target.isActive()) {
            target.writeAndFlush(message);
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
                        ch.pipeline().addLast(
                                env.credentials().clientContext().newHandler(ch.alloc(), address.host(), address.port()),
                                new PeerVerifier(env.credentials(), env.passport(), env.verifyInterval(), "dispatcher"),
                                new DispatcherMessageDecoder(),
                                ENCODER,
                                connection,
                                new ConnectionFailureLogger("dispatcher"));
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

    /**
     * @param verified false when the connection closed before the dispatcher was verified: its
     *                 certificate or passport was refused (or it refused ours), which the original
     *                 treats as a certificate error
     */
    private void lost(boolean verified) {
        channel = null;
        if (stopped) {
            LOG.info("Disconnected from dispatcher at {}", address);
            disconnected.complete(null);
            return;
        }
        Duration delay = !verified || recentLoss
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

        private boolean verified;
        private int outstandingPings;
        private ScheduledFuture<?> stable;
        private ScheduledFuture<?> keepalive;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            // The previous loss is forgiven once this connection has lived a while.
            stable = loop.schedule(() -> {
                recentLoss = false;
            }, STABLE_AFTER.toMillis(), TimeUnit.MILLISECONDS);
            ctx.fireChannelActive();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (!(event instanceof PeerVerified)) {
                ctx.fireUserEventTriggered(event);
                return;
            }
            verified = true;
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
            // PeerVerifier lets nothing through before the dispatcher is verified.
            Channel source = ctx.channel();
            if (stopped) {
                // Disconnecting: the session table may already have expired everything.
                LOG.debug("Ignoring {} from dispatcher at {}: disconnecting", message, address);
            } else if (message == Pong.INSTANCE) {
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
            lost(verified);
        }
    }
}
