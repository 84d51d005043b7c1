package org.mediaproxy.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mediaproxy.testkit.DaemonProcess;
import org.mediaproxy.testkit.DemoEnvironment;

/**
 * rtpengine from Debian's package, forwarding in user space only ({@code --table=-1}: no kernel
 * module), driven through its ng protocol exactly as a SIP proxy would: {@code offer} with the
 * caller's SDP, {@code answer} with the callee's, and the rewritten SDPs say where each party sends.
 */
final class Rtpengine implements RelayUnderTest {

    private static final String BINARY = "/usr/bin/rtpengine";
    private final DaemonProcess process;
    private final NgClient ng;

    private Rtpengine(DaemonProcess process, NgClient ng) {
        this.process = process;
        this.ng = ng;
    }

    /** Starts rtpengine on 127.0.0.1 with room for {@code streams} streams and {@code threads} worker threads. */
    static Rtpengine start(int streams, int threads, Path logDir) throws IOException, InterruptedException {
        int ports = 4 * streams + 16; // RTP and RTCP on both sides of every stream
        int first = DemoEnvironment.freeUdpPortRange(ports + 2);
        int ngPort = first + ports; // just above the media ports, so they cannot collide
        DaemonProcess process = DaemonProcess.start("rtpengine", List.of(BINARY,
                "--config-file=none", "--foreground", "--log-stderr", "--log-level=5",
                "--table=-1", "--interface=127.0.0.1", "--listen-ng=127.0.0.1:" + ngPort,
                "--port-min=" + first, "--port-max=" + (first + ports - 1),
                "--num-threads=" + threads, "--timeout=120"), logDir.resolve("rtpengine.log"));
        NgClient ng = null;
        try {
            ng = new NgClient(new InetSocketAddress("127.0.0.1", ngPort), Duration.ofMillis(300));
            awaitPong(ng, process);
            return new Rtpengine(process, ng);
        } catch (IOException | RuntimeException | InterruptedException e) {
            if (ng != null) {
                ng.close();
            }
            process.close();
            throw e;
        }
    }

    private static void awaitPong(NgClient ng, DaemonProcess process) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                ng.request("ping", Map.of());
                return;
            } catch (IOException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("rtpengine did not answer ng ping: " + notYet.getMessage()
                            + "; its log:\n" + process.log());
                }
                Thread.sleep(100);
            }
        }
    }

    /** {@code rtpengine --version}, for the report. */
    static String version() {
        try {
            Process version = new ProcessBuilder(BINARY, "--version").redirectErrorStream(true).start();
            String text = new String(version.getInputStream().readAllBytes()).strip();
            version.waitFor();
            return text.replaceFirst("(?s).*Version: ", "");
        } catch (IOException e) {
            return "not installed";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    @Override
    public String name() {
        return "rtpengine";
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public StreamRoute open(int stream, InetSocketAddress caller, InetSocketAddress callee) throws IOException {
        Map<String, Object> offer = new LinkedHashMap<>();
        offer.put("call-id", "bench-" + stream);
        offer.put("from-tag", "caller-" + stream);
        offer.put("sdp", Sdp.audio(caller));
        InetSocketAddress forCallee = Sdp.audioDestination((String) ng.request("offer", offer).get("sdp"));
        Map<String, Object> answer = new LinkedHashMap<>(offer);
        answer.put("to-tag", "callee-" + stream);
        answer.put("sdp", Sdp.audio(callee));
        InetSocketAddress forCaller = Sdp.audioDestination((String) ng.request("answer", answer).get("sdp"));
        return new StreamRoute(forCaller, forCallee);
    }

    @Override
    public void checkAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException("rtpengine died during the run; its log:\n" + process.log());
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            ng.close();
        } finally {
            process.close();
        }
    }
}
