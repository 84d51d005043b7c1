package org.mediaproxy.dispatcher;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.DelimiterBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A management client, over TLS with a client certificate or over plain TCP; lines in, lines out. */
final class ManagementTestClient implements AutoCloseable {

    private static final String CLOSED = "\u0000closed";

    private final Channel channel;
    private final BlockingQueue<String> lines;

    private ManagementTestClient(Channel channel, BlockingQueue<String> lines) {
        this.channel = channel;
        this.lines = lines;
    }

    /** Connects; with TLS, returns once the handshake is done (the passport check may still close it). */
    static ManagementTestClient connect(EventLoopGroup group, InetSocketAddress address, SslContext tls) throws Exception {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Channel channel = new Bootstrap()
                .group(group)
                .channel(EpollSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        if (tls != null) {
                            channel.pipeline().addLast(tls.newHandler(channel.alloc()));
                        }
                        channel.pipeline()
                                .addLast(new DelimiterBasedFrameDecoder(8 * 1024 * 1024, Unpooled.wrappedBuffer(new byte[] {'\r', '\n'})))
                                .addLast(new StringDecoder(StandardCharsets.UTF_8))
                                .addLast(new SimpleChannelInboundHandler<String>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, String line) {
                                        lines.add(line);
                                    }

                                    @Override
                                    public void channelInactive(ChannelHandlerContext ctx) {
                                        lines.add(CLOSED);
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        ctx.close();
                                    }
                                });
                    }
                })
                .connect(address).sync().channel();
        if (tls != null) {
            channel.pipeline().get(SslHandler.class).handshakeFuture().sync();
        }
        return new ManagementTestClient(channel, lines);
    }

    void send(String line) {
        channel.writeAndFlush(ByteBufUtil.writeUtf8(channel.alloc(), line + "\r\n"));
    }

    /** The next line without CR LF, or null once the server closed the connection. */
    String readLine() throws InterruptedException {
        String line = lines.poll(5, TimeUnit.SECONDS);
        if (line == null) {
            throw new AssertionError("no answer from the management interface within 5 s");
        }
        if (line.equals(CLOSED)) {
            lines.add(CLOSED);
            return null;
        }
        return line;
    }

    String command(String line) throws InterruptedException {
        send(line);
        return readLine();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
