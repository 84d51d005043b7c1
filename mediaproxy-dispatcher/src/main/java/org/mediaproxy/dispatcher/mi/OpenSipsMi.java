package org.mediaproxy.dispatcher.mi;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.mediaproxy.common.config.DialogIdFormat;
import org.mediaproxy.dispatcher.web.DispatcherMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UNIX datagram link to OpenSIPS's {@code mi_datagram} module. The dispatcher binds its own
 * socket ({@code <runtime dir>/opensips.sock}) because a datagram answer needs an address to go
 * to; JDK channels cannot do UNIX datagrams, hence Netty's epoll channel.
 */
public final class OpenSipsMi implements DialogEnder {

    private static final Logger log = LoggerFactory.getLogger(OpenSipsMi.class);

    private final Channel channel;
    private final Path bound;
    private final DialogTerminator terminator;

    private OpenSipsMi(Channel channel, Path bound, DialogTerminator terminator) {
        this.channel = channel;
        this.bound = bound;
        this.terminator = terminator;
    }

    /**
     * @param bindPath   this side's socket, unlinked first and opened to all local users so that
     *                   OpenSIPS, running under its own account, can answer
     * @param opensipsMi {@code [OpenSIPS] socket_path}
     */
    public static OpenSipsMi start(EventLoop loop, Path bindPath, Path opensipsMi, DialogIdFormat format,
            DialogTerminator.Policy policy, DispatcherMetrics metrics) throws IOException, InterruptedException {
        Files.deleteIfExists(bindPath);
        DomainSocketAddress target = new DomainSocketAddress(opensipsMi.toFile());
        Channel[] holder = new Channel[1];
        DialogTerminator terminator = new DialogTerminator(payload -> send(holder[0], target, payload), loop,
                format, policy, new Random(), metrics);
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(EpollDomainDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket packet) {
                        terminator.received(packet.content().toString(StandardCharsets.UTF_8));
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        log.warn("OpenSIPS MI socket error: {}", cause.toString());
                    }
                });
        try {
            holder[0] = bootstrap.bind(new DomainSocketAddress(bindPath.toFile())).sync().channel();
        } catch (Exception e) {
            throw new IOException("cannot bind the OpenSIPS MI answer socket " + bindPath + ": " + e.getMessage(), e);
        }
        Files.setPosixFilePermissions(bindPath, PosixFilePermissions.fromString("rw-rw-rw-"));
        log.info("ending timed-out dialogs through OpenSIPS MI at {} (dialog ids as {}), answers on {}",
                opensipsMi, format.name().toLowerCase(Locale.ROOT), bindPath);
        return new OpenSipsMi(holder[0], bindPath, terminator);
    }

    private static CompletableFuture<Void> send(Channel channel, DomainSocketAddress target, String payload) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        channel.writeAndFlush(new DomainDatagramPacket(ByteBufUtil.writeUtf8(channel.alloc(), payload), target))
                .addListener(f -> {
                    if (f.isSuccess()) {
                        sent.complete(null);
                    } else {
                        sent.completeExceptionally(f.cause());
                    }
                });
        return sent;
    }

    /** Must be called on the event loop. */
    @Override
    public void endDialog(String callId, String dialogId) {
        terminator.endDialog(callId, dialogId);
    }

    public CompletableFuture<Void> close() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        channel.close().addListener(f -> {
            try {
                Files.deleteIfExists(bound);
            } catch (IOException e) {
                log.warn("cannot remove {}: {}", bound, e.getMessage());
            }
            closed.complete(null);
        });
        return closed;
    }
}
