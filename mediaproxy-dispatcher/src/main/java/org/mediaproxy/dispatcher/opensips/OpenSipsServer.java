package org.mediaproxy.dispatcher.opensips;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import org.mediaproxy.dispatcher.CrlfFrameDecoder;
import org.mediaproxy.dispatcher.web.DispatcherMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UNIX stream socket the OpenSIPS {@code mediaproxy} module connects to
 * ({@code [Dispatcher] socket_path}).
 */
public final class OpenSipsServer {

    private static final Logger log = LoggerFactory.getLogger(OpenSipsServer.class);

    /** The original's LineReceiver limit; a longer line drops the connection. */
    public static final int MAX_LINE_LENGTH = 16384;

    private final Path path;
    private final Channel serverChannel;
    private final ChannelGroup connections;

    private OpenSipsServer(Path path, Channel serverChannel, ChannelGroup connections) {
        this.path = path;
        this.serverChannel = serverChannel;
        this.connections = connections;
    }

    /**
     * Removes a stale socket file, listens on {@code path} and opens it to every local user
     * (mode 0666, like the original), since OpenSIPS usually runs under its own account. Every
     * answered request is counted in {@code metrics}, and every {@code update} timed.
     */
    public static OpenSipsServer start(EventLoop loop, Path path, OpenSipsRequestHandler handler, DispatcherMetrics metrics)
            throws IOException, InterruptedException {
        Files.deleteIfExists(path);
        ChannelGroup connections = new DefaultChannelGroup("opensips", loop);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loop)
                .channel(EpollServerDomainSocketChannel.class)
                .childHandler(new ChannelInitializer<EpollDomainSocketChannel>() {
                    @Override
                    protected void initChannel(EpollDomainSocketChannel channel) {
                        connections.add(channel);
                        channel.pipeline()
                                .addLast("lines", new CrlfFrameDecoder(MAX_LINE_LENGTH))
                                .addLast("requests", new OpenSipsConnection(handler, metrics));
                    }
                });
        Channel channel;
        try {
            channel = bootstrap.bind(new DomainSocketAddress(path.toFile())).sync().channel();
        } catch (Exception e) {
            throw new IOException("cannot listen on " + path + ": " + e.getMessage(), e);
        }
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-rw-"));
        log.info("listening for OpenSIPS on {}", path);
        return new OpenSipsServer(path, channel, connections);
    }

    public Path path() {
        return path;
    }

    /** Stops accepting connections; existing connections keep being served. */
    public CompletableFuture<Void> stopListening() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        serverChannel.close().addListener(f -> {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                log.warn("cannot remove {}: {}", path, e.getMessage());
            }
            closed.complete(null);
        });
        return closed;
    }

    /**
     * Stops listening, lets every connection answer the requests it already received, then
     * closes it. The future completes when all connections are closed.
     */
    public CompletableFuture<Void> shutdown() {
        return stopListening().thenCompose(ignored -> {
            CompletableFuture<Void> done = new CompletableFuture<>();
            for (Channel connection : connections) {
                connection.eventLoop().execute(() -> {
                    ChannelHandlerContext ctx = connection.pipeline().context(OpenSipsConnection.class);
                    if (ctx != null) {
                        ((OpenSipsConnection) ctx.handler()).drain(ctx);
                    } else {
                        connection.close();
                    }
                });
            }
            connections.newCloseFuture().addListener(f -> done.complete(null));
            return done;
        });
    }
}
