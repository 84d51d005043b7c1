package org.mediaproxy.bench;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mediaproxy.testkit.DaemonProcess;
import org.mediaproxy.testkit.DemoEnvironment;

/**
 * Our relay's userspace engine under test: {@link UserspaceRelayMain} in its own JVM (same class
 * path and JVM as the bench), given each call as the {@code update} commands a dispatcher would
 * send for an INVITE and its 200 OK.
 */
final class UserspaceRelay implements RelayUnderTest {

    private final DaemonProcess process;
    private final DatagramSocket control;

    private UserspaceRelay(DaemonProcess process, DatagramSocket control) {
        this.process = process;
        this.control = control;
    }

    /** @param jfr where to write a flight recording of the relay process, if wanted */
    static UserspaceRelay start(int streams, int threads, Path logDir, Optional<Path> jfr)
            throws IOException, InterruptedException {
        int ports = 4 * streams + 16;
        int first = DemoEnvironment.freeUdpPortRange(ports);
        int controlPort = DemoEnvironment.freeUdpPortRange(2);
        Path logback = logDir.resolve("logback-relay.xml");
        Files.createDirectories(logDir);
        // INFO to stderr, as the daemon logs by default (the bench has no per-packet logging to hide).
        Files.writeString(logback, """
                <configuration>
                  <appender name="stderr" class="ch.qos.logback.core.ConsoleAppender">
                    <target>System.err</target>
                    <encoder><pattern>%d %-5level %logger{20} - %msg%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="stderr"/></root>
                </configuration>
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-Dlogback.configurationFile=" + logback));
        jfr.ifPresent(file -> command.add("-XX:StartFlightRecording=settings=profile,filename=" + file.toAbsolutePath()));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), UserspaceRelayMain.class.getName(),
                Integer.toString(controlPort), Integer.toString(first), Integer.toString(first + ports),
                Integer.toString(threads)));
        DaemonProcess process = DaemonProcess.start("mediaproxy userspace relay", command,
                logDir.resolve("userspace-relay.log"));
        DatagramSocket control = null;
        try {
            process.awaitLog("ready"::equals, Duration.ofSeconds(30), "ready");
            control = new DatagramSocket();
            control.connect(new InetSocketAddress("127.0.0.1", controlPort));
            control.setSoTimeout(5000);
            return new UserspaceRelay(process, control);
        } catch (IOException | RuntimeException | InterruptedException e) {
            if (control != null) {
                control.close();
            }
            process.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "mediaproxy";
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public StreamRoute open(int stream, InetSocketAddress caller, InetSocketAddress callee) throws IOException {
        String common = "dialog_id: " + stream + "\ncall_id: bench-" + stream + "\ncseq: 1\n"
                + "from_uri: sip:caller@127.0.0.1\nto_uri: sip:callee@127.0.0.1\nfrom_tag: caller-" + stream + "\n"
                + "signaling_ip: 127.0.0.1\n";
        InetSocketAddress forCallee = port(execute("update\ntype: request\n" + common + "user_agent: bench caller\n"
                + "media: " + media(caller) + "\n"));
        InetSocketAddress forCaller = port(execute("update\ntype: reply\n" + common + "to_tag: callee-" + stream + "\n"
                + "user_agent: bench callee\nmedia: " + media(callee) + "\n"));
        return new StreamRoute(forCaller, forCallee);
    }

    private static String media(InetSocketAddress endpoint) {
        return "audio:" + endpoint.getAddress().getHostAddress() + ":" + endpoint.getPort() + ":sendrecv:ice=no";
    }

    /** {@code <ip> <port>} of an update answer: where the other party must send. */
    private static InetSocketAddress port(String reply) throws IOException {
        String[] parts = reply.split(" ");
        if (parts.length != 2) {
            throw new IOException("unexpected update reply '" + reply + "'");
        }
        return new InetSocketAddress(parts[0], Integer.parseInt(parts[1]));
    }

    private String execute(String request) throws IOException {
        byte[] bytes = request.getBytes(StandardCharsets.UTF_8);
        control.send(new DatagramPacket(bytes, bytes.length));
        byte[] buffer = new byte[65536];
        DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
        control.receive(reply);
        return new String(buffer, 0, reply.getLength(), StandardCharsets.UTF_8);
    }

    @Override
    public void checkAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException("the userspace relay died during the run; its log:\n" + process.log());
        }
    }

    @Override
    public void close() throws InterruptedException {
        control.close();
        process.close();
    }
}
