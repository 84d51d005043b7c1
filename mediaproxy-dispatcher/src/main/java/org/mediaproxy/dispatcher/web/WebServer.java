package org.mediaproxy.dispatcher.web;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.mediaproxy.dispatcher.TcpListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher's read-only HTTP listener ({@code [Dispatcher] listen_metrics}, off unless
 * configured):
 * <ul>
 * <li>{@code GET /metrics}: Prometheus text format;</li>
 * <li>{@code GET /sessions.json}, {@code GET /summary.json}: the management answers as JSON;</li>
 * <li>{@code GET /}: a page showing sessions and relays, refreshing itself every 2 s.</li>
 * </ul>
 * Anything else is 404, a method other than GET 405. Requests are small and bounded; a bad one
 * gets an error answer and one DEBUG log line. There is no authentication: bind it to loopback or
 * a management network.
 */
public final class WebServer {

    private static final Logger log = LoggerFactory.getLogger(WebServer.class);

    static final int MAX_REQUEST_LINE = 4096;
    static final int MAX_HEADERS = 8192;
    /** GET carries no body; this only lets a small refused request be read and answered 405. */
    static final int MAX_BODY = 8192;
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

    private final Channel serverChannel;
    private final ChannelGroup connections;
    private final ExecutorService spoolReader;

    private WebServer(Channel serverChannel, ChannelGroup connections, ExecutorService spoolReader) {
        this.serverChannel = serverChannel;
        this.connections = connections;
        this.spoolReader = spoolReader;
    }

    /**
     * Binds and starts serving.
     *
     * @param group         epoll event loops to run on (the dispatcher's own will do: the work per
     *                      request is small and never blocks)
     * @param answerTimeout how long to wait for the {@link LiveView}; the relays may take up to
     *                      {@code relay_timeout}, so a little more than that
     * @throws IOException when the address cannot be bound
     */
    public static WebServer start(EventLoopGroup group, InetSocketAddress address, LiveView view,
            DispatcherMetrics metrics, Duration answerTimeout) throws IOException, InterruptedException {
        ExecutorService spoolReader = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "web-spool-depth");
            thread.setDaemon(true);
            return thread;
        });
        WebRoutes routes = new WebRoutes(view, metrics, answerTimeout, spoolReader);
        ChannelGroup connections = new DefaultChannelGroup("web", GlobalEventExecutor.INSTANCE);
        HttpDecoderConfig limits = new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_REQUEST_LINE)
                .setMaxHeaderSize(MAX_HEADERS);
        Channel channel;
        try {
            channel = TcpListener.bind(group, address, connections, "serve metrics and the web page",
                    connection -> connection.pipeline()
                            .addLast("idle", new IdleStateHandler(0, 0, IDLE_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                            .addLast("http", new HttpServerCodec(limits))
                            .addLast("aggregate", new BoundedAggregator(MAX_BODY))
                            .addLast("routes", new WebConnection(routes)));
        } catch (IOException e) {
            spoolReader.shutdownNow();
            throw e;
        }
        log.info("metrics and sessions page on http://{}:{}/", address.getHostString(),
                ((InetSocketAddress) channel.localAddress()).getPort());
        return new WebServer(channel, connections, spoolReader);
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Stops listening and closes the open connections. */
    public CompletableFuture<Void> shutdown() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        serverChannel.close().addListener(closed -> connections.close().addListener(all -> {
            spoolReader.shutdownNow();
            done.complete(null);
        }));
        return done;
    }

    /**
     * Refuses a request whose body is too large with 413 and closes the connection, instead of
     * Netty's default of keeping a keep-alive connection open to read and discard the body.
     */
    private static final class BoundedAggregator extends HttpObjectAggregator {

        BoundedAggregator(int maxContentLength) {
            super(maxContentLength);
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            log.debug("web: 413 for a request with a body over {} bytes from {}", MAX_BODY, ctx.channel().remoteAddress());
            ctx.writeAndFlush(WebResponse.refusal(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "Request too large.")
                    .toHttp(false)).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
