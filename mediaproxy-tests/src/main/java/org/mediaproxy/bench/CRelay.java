package org.mediaproxy.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.mediaproxy.testkit.DaemonProcess;
import org.mediaproxy.testkit.DemoEnvironment;

/**
 * The stretch reference: {@code udp-relay.c} (a resource next to this class), compiled with gcc at
 * run time — one thread, recvmmsg/sendmmsg batches, symmetric latching and nothing else. Stream
 * {@code i} uses ports {@code first+2i} (caller side) and {@code first+2i+1} (callee side).
 */
final class CRelay implements RelayUnderTest {

    private final DaemonProcess process;
    private final int firstPort;

    private CRelay(DaemonProcess process, int firstPort) {
        this.process = process;
        this.firstPort = firstPort;
    }

    /** Compiles the relay into {@code workDir}; returns the binary. Fails clearly when gcc is missing. */
    static Path compile(Path workDir) throws IOException, InterruptedException {
        Path source = workDir.resolve("udp-relay.c");
        try (InputStream in = CRelay.class.getResourceAsStream("udp-relay.c")) {
            if (in == null) {
                throw new IOException("udp-relay.c is missing from the classpath");
            }
            Files.copy(in, source);
        }
        Path binary = workDir.resolve("udp-relay");
        Process gcc = new ProcessBuilder("gcc", "-O2", "-Wall", "-o", binary.toString(), source.toString())
                .redirectErrorStream(true).start();
        String output = new String(gcc.getInputStream().readAllBytes());
        if (gcc.waitFor() != 0) {
            throw new IOException("gcc failed on " + source + ":\n" + output);
        }
        return binary;
    }

    static CRelay start(Path binary, int streams, Path logDir) throws IOException, InterruptedException {
        int first = DemoEnvironment.freeUdpPortRange(2 * streams);
        DaemonProcess process = DaemonProcess.start("udp-relay", List.of(binary.toString(), "127.0.0.1",
                Integer.toString(first), Integer.toString(streams)), logDir.resolve("udp-relay.log"));
        try {
            process.awaitLog("ready"::equals, Duration.ofSeconds(10), "ready");
        } catch (RuntimeException | InterruptedException e) {
            process.close();
            throw e;
        }
        return new CRelay(process, first);
    }

    @Override
    public String name() {
        return "C relay";
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public StreamRoute open(int stream, InetSocketAddress caller, InetSocketAddress callee) {
        return new StreamRoute(new InetSocketAddress("127.0.0.1", firstPort + 2 * stream),
                new InetSocketAddress("127.0.0.1", firstPort + 2 * stream + 1));
    }

    @Override
    public void checkAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException("udp-relay died during the run; its log:\n" + process.log());
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
