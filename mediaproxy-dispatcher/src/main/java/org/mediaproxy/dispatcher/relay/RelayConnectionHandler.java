package org.mediaproxy.dispatcher.relay;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.mediaproxy.dispatcher.CrlfFrameDecoder;
import org.mediaproxy.common.tls.PeerVerified;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Connects a relay's TLS channel to its {@link RelayLink} once the peer has been accepted. */
final class RelayConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(RelayConnectionHandler.class);

    private final RelayEvents events;
    private final Duration relayTimeout;
    private final Duration recoverInterval;
    private RelayLink link;
    private boolean failed;

    RelayConnectionHandler(RelayEvents events, Duration relayTimeout, Duration recoverInterval) {
        this.events = events;
        this.relayTimeout = relayTimeout;
        this.recoverInterval = recoverInterval;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (!(event instanceof PeerVerified)) {
            ctx.fireUserEventTriggered(event);
            return;
        }
        String ip = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress();
        link = new RelayLink(ip, new RelayLink.Transport() {
            @Override
            public void write(String text) {
                ctx.writeAndFlush(ByteBufUtil.writeUtf8(ctx.alloc(), text));
            }

            @Override
            public void close() {
                ctx.close();
            }
        }, ctx.executor(), relayTimeout, recoverInterval, events);
        events.connected(link);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (link == null) {
            return; // PeerVerifier passes nothing on before the peer is verified; only defensive
        }
        if (msg instanceof String line) {
            link.received(RelayMessage.parse(line));
        } else if (msg instanceof CrlfFrameDecoder.InvalidLine invalid) {
            log.warn("ignoring a {}-byte line from relay {} that is not UTF-8", invalid.bytes(), link.ip());
        } else if (msg instanceof CrlfFrameDecoder.TruncatedLine truncated && !failed) {
            log.warn("relay {} closed the connection in the middle of a line ({} bytes discarded)", link.ip(), truncated.bytes());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (link != null) {
            link.disconnected();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable reason = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        String peer = link != null ? link.ip() : String.valueOf(ctx.channel().remoteAddress());
        if (reason instanceof TooLongFrameException) {
            log.warn("closing connection of relay {}: {}", peer, reason.getMessage());
        } else {
            log.warn("closing connection of relay {} after error: {}", peer, reason.toString());
        }
        failed = true;
        ctx.close();
    }
}
