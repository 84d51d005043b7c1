package org.mediaproxy.dispatcher;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import io.netty.buffer.Unpooled;

/**
 * The relay side of the dispatcher-relay protocol for tests: a Netty TLS client connecting from a
 * chosen loopback address (the dispatcher identifies relays by source IP), answering commands
 * through a {@link Behaviour} or leaving them to the test.
 */
final class TestRelay implements AutoCloseable {

    /** A command received from the dispatcher. */
    record Command(String name, long seq, List<String> headerLines) {
        String header(String name) {
            for (String line : headerLines) {
                if (line.startsWith(name + ": ")) {
                    return line.substring(name.length() + 2);
                }
            }
            return null;
        }

        /** The bytes as they came over the wire. */
        String wireText() {
            StringBuilder text = new StringBuilder(name + " " + seq + "\r\n");
            headerLines.forEach(line -> text.append(line).append("\r\n"));
            return text.append("\r\n").toString();
        }
    }

    /** Decides the answer payload for a command; null leaves it unanswered. */
    @FunctionalInterface
    interface Behaviour {
        String answer(Command command);

        /** How long the answer takes. */
        default Duration delay() {
            return Duration.ZERO;
        }
    }

    final String ip;
    private final Channel channel;
    private final BlockingQueue<Command> commands;
    private final AtomicInteger pongs;

    private TestRelay(String ip, Channel channel, BlockingQueue<Command> commands, AtomicInteger pongs) {
        this.ip = ip;
        this.channel = channel;
        this.commands = commands;
        this.pongs = pongs;
    }

    static TestRelay connect(EventLoopGroup group, String localIp, InetSocketAddress dispatcher, SslContext tls,
            Behaviour behaviour) throws Exception {
        BlockingQueue<Command> commands = new LinkedBlockingQueue<>();
        AtomicInteger pongs = new AtomicInteger();
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(EpollSocketChannel.class)
                .localAddress(new InetSocketAddress(localIp, 0))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline()
                                .addLast(tls.newHandler(channel.alloc()))
                                .addLast(new DelimiterBasedFrameDecoder(8 * 1024 * 1024,
                                        Unpooled.wrappedBuffer(new byte[] {'\r', '\n'})))
                                .addLast(new StringDecoder(StandardCharsets.UTF_8))
                                .addLast(new RelaySide(behaviour, commands, pongs));
                    }
                });
        Channel channel = bootstrap.connect(dispatcher).sync().channel();
        channel.pipeline().get(SslHandler.class).handshakeFuture().sync();
        return new TestRelay(localIp, channel, commands, pongs);
    }

    /** Sends one line (CR LF added). */
    void send(String line) {
        channel.writeAndFlush(ByteBufUtil.writeUtf8(channel.alloc(), line + "\r\n")).syncUninterruptibly();
    }

    /** Sends raw bytes. */
    void sendRaw(String text) {
        channel.writeAndFlush(ByteBufUtil.writeUtf8(channel.alloc(), text)).syncUninterruptibly();
    }

    /** The next command received, waiting up to {@code timeout}; null if none. */
    Command nextCommand(Duration timeout) throws InterruptedException {
        return commands.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits for a command with this name, dropping others on the way. */
    Command awaitCommand(String name, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Command command = left > 0 ? commands.poll(left, TimeUnit.NANOSECONDS) : null;
            if (command == null) {
                throw new AssertionError("relay " + ip + " got no " + name + " command within " + timeout);
            }
            if (command.name().equals(name)) {
                return command;
            }
        }
    }

    int pongs() {
        return pongs.get();
    }

    boolean awaitClosed(Duration timeout) {
        return channel.closeFuture().awaitUninterruptibly(timeout.toMillis());
    }

    boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    private static final class RelaySide extends SimpleChannelInboundHandler<String> {
        private final Behaviour behaviour;
        private final BlockingQueue<Command> commands;
        private final AtomicInteger pongs;
        private String name;
        private long seq;
        private List<String> headers;

        RelaySide(Behaviour behaviour, BlockingQueue<Command> commands, AtomicInteger pongs) {
            this.behaviour = behaviour;
            this.commands = commands;
            this.pongs = pongs;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // refused by the dispatcher, or torn down by the test
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            if (name == null) {
                if (line.equals("pong")) {
                    pongs.incrementAndGet();
                    return;
                }
                String[] parts = line.split(" ");
                if (parts.length != 2) {
                    throw new AssertionError("relay got an unexpected line: " + line);
                }
                name = parts[0];
                seq = Long.parseLong(parts[1]);
                headers = new ArrayList<>();
            } else if (!line.isEmpty()) {
                headers.add(line);
            } else {
                Command command = new Command(name, seq, List.copyOf(headers));
                name = null;
                commands.add(command);
                String answer = behaviour == null ? null : behaviour.answer(command);
                if (answer != null) {
                    String reply = command.seq() + " " + answer + "\r\n";
                    Duration delay = behaviour.delay();
                    if (delay.isZero()) {
                        ctx.writeAndFlush(ByteBufUtil.writeUtf8(ctx.alloc(), reply));
                    } else {
                        ctx.executor().schedule(() -> ctx.writeAndFlush(ByteBufUtil.writeUtf8(ctx.alloc(), reply)),
                                delay.toNanos(), TimeUnit.NANOSECONDS);
                    }
                }
            }
        }
    }
}
