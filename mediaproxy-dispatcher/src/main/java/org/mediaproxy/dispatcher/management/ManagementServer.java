package org.mediaproxy.dispatcher.management;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.mediaproxy.common.tls.Passport;
import org.mediaproxy.common.tls.PeerVerifier;
import org.mediaproxy.common.tls.TlsCredentials;
import org.mediaproxy.dispatcher.CrlfFrameDecoder;
import org.mediaproxy.dispatcher.TcpListener;
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
     * @param credentials the dispatcher's credentials, client certificates required; null for
     *                    plain TCP ({@code management_use_tls = no})
     * @param passport    subject filter for client certificates (ignored without TLS)
     */
    public static ManagementServer start(EventLoop loop, InetSocketAddress listen, TlsCredentials credentials,
            Passport passport, Duration verifyInterval, ManagementService service) throws IOException, InterruptedException {
        ChannelGroup connections = new DefaultChannelGroup("management", loop);
        Channel channel = TcpListener.bind(loop, listen, connections, "listen for management clients", connection -> {
            if (credentials != null) {
                connection.pipeline()
                        .addLast("tls", credentials.serverContext().newHandler(connection.alloc()))
                        .addLast("peer", new PeerVerifier(credentials, passport, verifyInterval, "management client"));
            }
            connection.pipeline()
                    .addLast("lines", new CrlfFrameDecoder(MAX_LINE_LENGTH))
                    .addLast("commands", new ManagementConnection(service, credentials == null));
        });
        log.info("management interface on {} ({})", channel.localAddress(), credentials != null ? "TLS" : "plain TCP");
        return new ManagementServer(channel, connections);
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Stops listening; each client connection closes once its pending commands are answered. */
    public CompletableFuture<Void> shutdown() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        serverChannel.close().addListener(f -> {
            for (Channel connection : connections) {
                connection.eventLoop().execute(() -> {
                    ChannelHandlerContext ctx = connection.pipeline().context(ManagementConnection.class);
                    if (ctx != null) {
                        ((ManagementConnection) ctx.handler()).drain(ctx);
                    } else {
                        connection.close();
                    }
                });
            }
            connections.newCloseFuture().addListener(g -> done.complete(null));
        });
        return done;
    }
}
