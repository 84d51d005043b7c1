package org.mediaproxy.dispatcher.management;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.mediaproxy.dispatcher.CrlfFrameDecoder;
import org.mediaproxy.common.tls.PeerVerified;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One management client: one command per line, answers in command order. */
final class ManagementConnection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ManagementConnection.class);

    private final ManagementService service;
    private final Deque<CompletableFuture<Optional<String>>> answers = new ArrayDeque<>();
    private boolean accepted;
    private boolean closing;
    private boolean draining;

    /** @param accepted true for plain TCP; with TLS the peer is accepted by {@link PeerVerified} */
    ManagementConnection(ManagementService service, boolean accepted) {
        this.service = service;
        this.accepted = accepted;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (accepted) {
            log.debug("management connection from {} (plain TCP, no authentication)", ctx.channel().remoteAddress());
        }
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof PeerVerified peer) {
            accepted = true;
            log.debug("management connection from {} ({})", ctx.channel().remoteAddress(), peer.subject().getName());
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!accepted || closing || draining) {
            return;
        }
        CompletableFuture<Optional<String>> answer;
        if (msg instanceof String command) {
            answer = service.execute(command);
        } else if (msg instanceof CrlfFrameDecoder.InvalidLine) {
            answer = CompletableFuture.completedFuture(Optional.of("error"));
        } else {
            return; // a truncated last line is not a command
        }
        answers.add(answer);
        answer.whenComplete((line, failure) -> {
            if (ctx.executor().inEventLoop()) {
                writeFinished(ctx);
            } else {
                ctx.executor().execute(() -> writeFinished(ctx));
            }
        });
    }

    private void writeFinished(ChannelHandlerContext ctx) {
        boolean wrote = false;
        while (!closing && !answers.isEmpty() && answers.peekFirst().isDone()) {
            CompletableFuture<Optional<String>> done = answers.pollFirst();
            Optional<String> line = done.isCompletedExceptionally() ? Optional.of("error") : done.join();
            if (line.isEmpty()) {
                closing = true;
                answers.clear();
                ctx.flush();
                ctx.close();
                return;
            }
            ctx.write(ByteBufUtil.writeUtf8(ctx.alloc(), line.get() + "\r\n"));
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
        if (draining && !closing && answers.isEmpty()) {
            closing = true;
            ctx.close();
        }
    }

    /** Shutdown: no new commands; the connection closes once the pending ones are answered. */
    void drain(ChannelHandlerContext ctx) {
        draining = true;
        writeFinished(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable reason = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        log.warn("closing management connection from {}: {}", ctx.channel().remoteAddress(),
                reason.getMessage() != null ? reason.getMessage() : reason.toString());
        ctx.close();
    }
}
