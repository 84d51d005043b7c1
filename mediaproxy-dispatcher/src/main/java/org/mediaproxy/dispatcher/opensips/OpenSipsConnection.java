package org.mediaproxy.dispatcher.opensips;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import org.mediaproxy.dispatcher.CrlfFrameDecoder;
import org.mediaproxy.dispatcher.web.DispatcherMetrics;
import org.mediaproxy.dispatcher.web.DispatcherMetrics.ErrorKind;
import org.mediaproxy.dispatcher.web.DispatcherMetrics.OpenSipsCommand;
import org.mediaproxy.dispatcher.web.DispatcherMetrics.OpenSipsResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One OpenSIPS worker's persistent connection. Requests are served as they arrive (OpenSIPS
 * never pipelines, but a client that does is tolerated) and the reply lines are written in
 * request order, each exactly once.
 */
final class OpenSipsConnection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(OpenSipsConnection.class);

    /**
     * A request being served: its command (null for a malformed one) and when it was read, so
     * that the reply can be counted and timed when it is written.
     */
    private record Pending(OpenSipsRequest.Command command, long receivedNanos, CompletableFuture<String> reply) {
    }

    private final OpenSipsRequestHandler handler;
    private final DispatcherMetrics metrics;
    private final RequestAssembler assembler = new RequestAssembler();
    private final Deque<Pending> replies = new ArrayDeque<>();
    private boolean truncated;
    private boolean draining;
    private boolean failed;

    OpenSipsConnection(OpenSipsRequestHandler handler, DispatcherMetrics metrics) {
        this.handler = handler;
        this.metrics = metrics;
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
        long received = System.nanoTime();
        CompletableFuture<String> reply;
        OpenSipsRequest.Command command = null;
        if (message instanceof OpenSipsRequest request) {
            command = request.command();
            reply = handle(request);
        } else {
            log.warn("refused OpenSIPS request: {}", ((MalformedRequest) message).reason());
            metrics.error(ErrorKind.BAD_REQUEST);
            reply = CompletableFuture.completedFuture("error");
        }
        replies.add(new Pending(command, received, reply));
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
        while (!replies.isEmpty() && replies.peekFirst().reply().isDone()) {
            Pending done = replies.pollFirst();
            String line = done.reply().isCompletedExceptionally() ? "error" : done.reply().join();
            ctx.write(ByteBufUtil.writeUtf8(ctx.alloc(), line + "\r\n"));
            count(done, line);
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
        if (draining && replies.isEmpty()) {
            ctx.close();
        }
    }

    private void count(Pending done, String line) {
        if (done.command() == null) {
            return; // malformed: counted as a bad request when it was read
        }
        OpenSipsResult result = switch (line) {
            case "error" -> OpenSipsResult.ERROR;
            case "None" -> OpenSipsResult.NONE;
            default -> OpenSipsResult.OK;
        };
        if (done.command() == OpenSipsRequest.Command.UPDATE) {
            metrics.openSipsRequest(OpenSipsCommand.UPDATE, result);
            metrics.setupLatency(Duration.ofNanos(System.nanoTime() - done.receivedNanos()));
        } else {
            metrics.openSipsRequest(OpenSipsCommand.REMOVE, result);
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
