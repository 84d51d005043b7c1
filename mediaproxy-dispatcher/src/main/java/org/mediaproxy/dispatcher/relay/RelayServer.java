package org.mediaproxy.dispatcher.relay;

import io.netty.channel.Channel;
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

/** The TLS listener relays connect to ({@code [Dispatcher] listen}, default port 25060). */
public final class RelayServer {

    private static final Logger log = LoggerFactory.getLogger(RelayServer.class);

    /** Relays answer {@code sessions} with every session in one line; the original allows 4 MiB. */
    public static final int MAX_LINE_LENGTH = 4 * 1024 * 1024;

    private final Channel serverChannel;
    private final ChannelGroup connections;

    private RelayServer(Channel serverChannel, ChannelGroup connections) {
        this.serverChannel = serverChannel;
        this.connections = connections;
    }

    /**
     * @param credentials    the dispatcher's certificate, the CA and CRL relays are checked against
     * @param passport       subject filter for relay certificates ({@code [Dispatcher] passport})
     * @param verifyInterval {@code [TLS] verify_interval}: live relays are re-verified this often
     */
    public static RelayServer start(EventLoop loop, InetSocketAddress listen, TlsCredentials credentials, Passport passport,
            Duration verifyInterval, RelayEvents events, Duration relayTimeout, Duration recoverInterval)
            throws IOException, InterruptedException {
        ChannelGroup connections = new DefaultChannelGroup("relays", loop);
        Channel channel = TcpListener.bind(loop, listen, connections, "listen for relays",
                connection -> connection.pipeline()
                        // serverContext() per connection: it follows replaced credential files
                        .addLast("tls", credentials.serverContext().newHandler(connection.alloc()))
                        .addLast("peer", new PeerVerifier(credentials, passport, verifyInterval, "relay"))
                        .addLast("lines", new CrlfFrameDecoder(MAX_LINE_LENGTH))
                        .addLast("relay", new RelayConnectionHandler(events, relayTimeout, recoverInterval)));
        log.info("listening for relays on {}", channel.localAddress());
        return new RelayServer(channel, connections);
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    public CompletableFuture<Void> stopListening() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        serverChannel.close().addListener(f -> closed.complete(null));
        return closed;
    }

    /** Closes every relay connection. */
    public CompletableFuture<Void> closeConnections() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        connections.close().addListener(f -> closed.complete(null));
        return closed;
    }
}
