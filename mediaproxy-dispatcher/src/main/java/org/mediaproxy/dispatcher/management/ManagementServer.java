package org.mediaproxy.dispatcher.management;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import org.mediaproxy.common.tls.Passport;
import org.mediaproxy.dispatcher.CrlfFrameDecoder;
import org.mediaproxy.dispatcher.PassportGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The management listener ({@code listen_management}, default port 25061). */
public final class ManagementServer {

    private static final Logger log = LoggerFactory.getLogger(ManagementServer.class);

    public static final int MAX_LINE_LENGTH = 16384;

    private final Channel serverChannel;
    private final ChannelGroup connections;

    private ManagementServer(Channel serverChannel, ChannelGroup connections) {
        this.serverChannel = serverChannel;
        this.connections = connections;
    }

    /**
     * @param sslContext server context requiring client certificates, or null for plain TCP
     *                   ({@code management_use_tls = no})
     * @param passport   subject filter for client certificates (ignored without TLS)
     */
    public static ManagementServer start(EventLoop loop, InetSocketAddress listen, SslContext sslContext, Passport passport,
            ManagementService service) throws IOException, InterruptedException {
        ChannelGroup connections = new DefaultChannelGroup("management", loop);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loop)
                .channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        connections.add(channel);
                        if (sslContext != null) {
                            channel.pipeline()
                                    .addLast("tls", sslContext.newHandler(channel.alloc()))
                                    .addLast("passport", new PassportGate(passport, "management client"));
                        }
                        channel.pipeline()
                                .addLast("lines", new CrlfFrameDecoder(MAX_LINE_LENGTH))
                                .addLast("commands", new ManagementConnection(service, sslContext == null));
                    }
                });
        Channel channel;
        try {
            channel = bootstrap.bind(listen).sync().channel();
        } catch (Exception e) {
            throw new IOException("cannot listen for management clients on " + listen + ": " + e.getMessage(), e);
        }
        log.info("management interface on {} ({})", channel.localAddress(), sslContext != null ? "TLS" : "plain TCP");
        return new ManagementServer(channel, connections);
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Stops listening and closes the client connections. */
    public CompletableFuture<Void> shutdown() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        serverChannel.close().addListener(f -> connections.close().addListener(g -> done.complete(null)));
        return done;
    }
}
