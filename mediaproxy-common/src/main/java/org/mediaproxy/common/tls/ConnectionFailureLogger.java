package org.mediaproxy.common.tls;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of a connection's pipeline: an exception nobody handled becomes one log line
 * ("connection with relay 198.18.0.1 closed: Connection reset by peer") and the connection is
 * closed, so nothing is left half-open. The stack trace is logged at DEBUG only.
 */
@Sharable
public final class ConnectionFailureLogger extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ConnectionFailureLogger.class);

    private final String peerKind;

    /** @param peerKind what the peer is, for the log line: "relay", "dispatcher", "management client" */
    public ConnectionFailureLogger(String peerKind) {
        this.peerKind = peerKind;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String peer = ConnectionDescriptions.peer(ctx.channel(), peerKind);
        log.warn("connection with {} closed: {}", peer, ConnectionDescriptions.reason(cause));
        log.debug("connection with {} failed", peer, cause);
        ctx.close();
    }
}
