package org.mediaproxy.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mediaproxy.common.tls.Passport;
import org.mediaproxy.common.tls.PeerVerifier;
import org.mediaproxy.common.tls.Role;
import org.mediaproxy.common.tls.TlsCredentials;
import org.mediaproxy.common.tls.TlsSamples;

/**
 * media-sessions against a management server speaking the original's answers over real TLS with
 * the sample certificates.
 */
class SessionsMainTest {

    @TempDir
    Path emptyConfigDir;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static List<String> originalAnswers() throws IOException {
        try (InputStream in = SessionsMainTest.class.getResourceAsStream("/fixtures/call1-management.jsonl")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    /** A management port answering like the original 4.1.2 dispatcher did in the fixture. */
    private int startDispatcher(Passport managementPassport) throws IOException {
        List<String> answers = originalAnswers();
        TlsCredentials credentials = TlsCredentials.load(TlsSamples.directory(), Role.DISPATCHER);
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(credentials.serverContext().newHandler(ch.alloc()),
                                new PeerVerifier(credentials, managementPassport, Duration.ZERO, "management client"),
                                new LineBasedFrameDecoder(16384), new StringDecoder(StandardCharsets.UTF_8),
                                new SimpleChannelInboundHandler<String>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, String line) {
                                        String answer = switch (line.strip()) {
                                            case "version" -> answers.get(0);
                                            case "summary" -> answers.get(1);
                                            case "sessions" -> answers.get(2);
                                            case "quit" -> null;
                                            default -> "error";
                                        };
                                        if (answer == null) {
                                            ctx.close();
                                        } else {
                                            ctx.writeAndFlush(Unpooled.copiedBuffer(answer + "\r\n", StandardCharsets.UTF_8));
                                        }
                                    }
                                });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private record Run(int exit, String out, String err) {
    }

    private Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        SessionsMain main = new SessionsMain(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        int exit = SessionsMain.commandLine(main).execute(args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private String[] args(int port, String... more) {
        List<String> all = new java.util.ArrayList<>(List.of("--config-dir", emptyConfigDir.toString(),
                "--certs", TlsSamples.directory().toString(), "--dispatcher", "127.0.0.1:" + port, "--timeout", "3"));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void showsTheSessionsTableOverTls() throws IOException {
        int port = startDispatcher(Passport.parse("CN:MediaProxy management"));
        Run run = run(args(port, "--passport", "CN:*dispatcher"));
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("sip:alice@example.com (probe-caller/1.0)"), run.out());
        assertTrue(run.out().endsWith("1 session\n"), run.out());
    }

    @Test
    void printsRawJsonAndVersion() throws IOException {
        int port = startDispatcher(Passport.NONE);
        List<String> answers = originalAnswers();
        assertEquals(answers.get(1) + "\n", run(args(port, "summary", "--json")).out());
        assertEquals("4.1.2\n", run(args(port, "version")).out());
    }

    @Test
    void refusedPassportIsExplained() throws IOException {
        int port = startDispatcher(Passport.parse("O:Other"));
        Run run = run(args(port));
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("closed the connection"), run.err());
    }

    @Test
    void dispatcherWithTheWrongSubjectIsRefusedByTheClient() throws IOException {
        int port = startDispatcher(Passport.NONE);
        Run run = run(args(port, "--passport", "CN:*relay"));
        assertEquals(1, run.exit());
        assertTrue(run.err().startsWith("media-sessions: "), run.err());
    }

    @Test
    void unreachableDispatcherIsReported() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Run run = run(args(port));
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("cannot connect to dispatcher 127.0.0.1:" + port), run.err());
    }

    @Test
    void unknownCommandIsAUsageError() {
        assertEquals(2, run("frobnicate").exit());
    }
}
