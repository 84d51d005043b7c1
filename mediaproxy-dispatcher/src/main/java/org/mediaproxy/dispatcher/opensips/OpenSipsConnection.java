package org.mediaproxy.dispatcher.opensips;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import org.mediaproxy.dispatcher.CrlfFrameDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One OpenSIPS worker's persistent connection. Requests are served as they arrive (OpenSIPS
 * never pipelines, but a client that does is tolerated) and the reply lines are written in
 * request order, each exactly once.
 */
final class OpenSipsConnection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(OpenSipsConnection.class);

    private final OpenSipsRequestHandler handler;
    private final RequestAssembler assembler = new RequestAssembler();
    private final Deque<CompletableFuture<String>> replies = new ArrayDeque<>();
    private boolean truncated;
    private boolean draining;
    private boolean failed;

    OpenSipsConnection(OpenSipsRequestHandler handler) {
        this.handler = handler;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (draining) {
            return; // shutting down: requests after the in-flight ones are not started
        }
        if (msg instanceof String line) {
            assembler.line(line).ifPresent(message -> serve(ctx, message));
        } else if (msg instanceof CrlfFrameDecoder.InvalidLine invalid) {
            assembler.invalidLine(invalid.bytes(), "request contains a line that is not UTF-8");
        } else if (msg instanceof CrlfFrameDecoder.TruncatedLine) {
            truncated = true;
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void serve(ChannelHandlerContext ctx, OpenSipsMessage message) {
        CompletableFuture<String> reply;
        if (message instanceof OpenSipsRequest request) {
            reply = handle(request);
        } else {
            log.warn("refused OpenSIPS request: {}", ((MalformedRequest) message).reason());
            reply = CompletableFuture.completedFuture("error");
        }
        replies.add(reply);
        reply.whenComplete((line, failure) -> {
            if (ctx.executor().inEventLoop()) {
                writeFinished(ctx);
            } else {
                ctx.executor().execute(() -> writeFinished(ctx));
            }
        });
    }

    private CompletableFuture<String> handle(OpenSipsRequest request) {
        try {
            return handler.handle(request);
        } catch (RuntimeException e) {
            log.error("failed to serve {} for session {}", request.command().wireName(), request.sessionId(), e);
            return CompletableFuture.completedFuture("error");
        }
    }

    private void writeFinished(ChannelHandlerContext ctx) {
        boolean wrote = false;
        while (!replies.isEmpty() && replies.peekFirst().isDone()) {
            CompletableFuture<String> done = replies.pollFirst();
            String line = done.isCompletedExceptionally() ? "error" : done.join();
            ctx.write(ByteBufUtil.writeUtf8(ctx.alloc(), line + "\r\n"));
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
        if (draining && replies.isEmpty()) {
            ctx.close();
        }
    }

    /** Stops reading new requests; the connection closes once the in-flight ones are answered. */
    void drain(ChannelHandlerContext ctx) {
        draining = true;
        writeFinished(ctx);
        if (replies.isEmpty()) {
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable reason = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (reason instanceof TooLongFrameException || reason instanceof RequestAssembler.RequestTooLongException) {
            log.warn("closing OpenSIPS connection: {}", reason.getMessage());
        } else {
            log.warn("closing OpenSIPS connection after error: {}", reason.toString());
        }
        failed = true;
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!failed && (truncated || assembler.inRequest())) {
            log.warn("OpenSIPS connection closed in the middle of a request; the partial request was discarded");
        }
        ctx.fireChannelInactive();
    }
}
