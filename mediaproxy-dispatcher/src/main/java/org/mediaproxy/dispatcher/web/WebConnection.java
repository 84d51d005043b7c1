package org.mediaproxy.dispatcher.web;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP connection. Answers may be prepared out of order (a metrics scrape waits for the
 * relays, a static file does not), but HTTP/1.1 wants them in request order, so each answer is
 * written only after the one before it. While answers are outstanding the socket is not read, and
 * a client that pipelines more than {@link #MAX_OUTSTANDING} requests is cut off.
 */
final class WebConnection extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(WebConnection.class);

    static final int MAX_OUTSTANDING = 16;

    private final WebRoutes routes;
    /** Completes when the latest answer has been written. Touched on the channel's event loop only. */
    private CompletableFuture<Void> written = CompletableFuture.completedFuture(null);
    private int outstanding;

    WebConnection(WebRoutes routes) {
        this.routes = routes;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest message) {
        WebRequest request = WebRequest.of(message, ctx.channel().remoteAddress());
        if (outstanding >= MAX_OUTSTANDING) {
            log.debug("web: {} pipelined more than {} requests; closing", request.remote(), MAX_OUTSTANDING);
            ctx.close();
            return;
        }
        // After a decoding failure the decoder discards the rest of the stream, so close.
        boolean keepAlive = request.failure() == null && HttpUtil.isKeepAlive(message);
        outstanding++;
        ctx.channel().config().setAutoRead(false);
        CompletableFuture<WebResponse> answer = routes.answer(request).exceptionally(failure -> {
            log.warn("web: unexpected failure answering {}", request, failure);
            return WebResponse.refusal(HttpResponseStatus.INTERNAL_SERVER_ERROR, "Internal error.");
        });
        written = written.thenCombine(answer, (previous, response) -> response)
                .thenCompose(response -> write(ctx, response, keepAlive));
    }

    /** Completes (normally, whatever happened) once the answer is on its way or the channel gone. */
    private CompletableFuture<Void> write(ChannelHandlerContext ctx, WebResponse response, boolean keepAlive) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!ctx.channel().isActive()) {
            // The client left (or was cut off) while the answer was prepared; its event loop may
            // even be gone, so do not hand it a write.
            done.complete(null);
            return done;
        }
        ctx.writeAndFlush(response.toHttp(keepAlive)).addListener(future -> {
            // Listeners run on the channel's event loop, like channelRead0.
            outstanding--;
            if (!keepAlive || !future.isSuccess()) {
                ctx.close();
            } else if (outstanding == 0) {
                ctx.channel().config().setAutoRead(true);
            }
            done.complete(null);
        });
        return done;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent && outstanding == 0) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("web: connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
