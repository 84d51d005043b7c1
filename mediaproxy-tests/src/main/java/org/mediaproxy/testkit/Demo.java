package org.mediaproxy.testkit;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import com.fasterxml.jackson.databind.JsonNode;
import org.mediaproxy.management.ManagementException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.mediaproxy.testkit.SipDialog.Media;

/**
 * README command 1: a dispatcher and a relay on loopback with the sample certificates, one call set
 * up through the OpenSIPS protocol, real RTP and RTCP through the relay both ways, the management
 * view, the dispatcher's metrics, the accounting row, and a clean shut-down. Every line it prints is something it observed;
 * anything that does not work ends the demo with a non-zero exit code.
 */
public final class Demo {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private final PrintStream out = System.out;

    public static void main(String[] args) throws Exception {
        boolean keep = List.of(args).contains("--keep");
        // The demo reports what it sees itself; library chatter (e.g. a refused probe of the
        // management port while the dispatcher starts) would only confuse.
        if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.OFF);
        }
        Path checkout = Path.of(System.getProperty("mediaproxy.checkout", ".")).toAbsolutePath().normalize();
        Path base = Files.createTempDirectory("mediaproxy-demo-");
        try {
            new Demo().run(checkout, base, keep);
        } catch (DemoFailure | IllegalStateException | IOException e) {
            System.err.println("\nDEMO FAILED: " + e.getMessage());
            System.err.println("Logs and configuration are in " + base);
            System.exit(1);
        }
    }

    private void run(Path checkout, Path base, boolean keep) throws Exception {
        DemoEnvironment env = DemoEnvironment.create(checkout, base, Map.of());
        step("Configuration written to " + env.configDir().resolve("config.ini"));
        DaemonProcess dispatcher = DaemonProcess.start(checkout, "media-dispatcher", env.configDir(), env.runtimeDir(),
                env.logDir().resolve("dispatcher.log"), List.of(), List.of());
        DaemonProcess relay = null;
        try {
            awaitFile(env.controlSocket(), dispatcher);
            step("media-dispatcher running (pid " + dispatcher.pid() + "), OpenSIPS socket " + env.controlSocket());
            relay = DaemonProcess.start(checkout, "media-relay", env.configDir(), env.runtimeDir(),
                    env.logDir().resolve("relay.log"), List.of(), List.of());
            awaitRelayConnected(env, relay);
            step("media-relay running (pid " + relay.pid() + ") and connected to the dispatcher over mutual TLS");
            step("Live sessions page: " + env.webPage() + " (Prometheus metrics: " + env.webPage().resolve("metrics") + ")");

            call(env);

            if (keep) {
                step("--keep: leaving both daemons running. Stop them with: kill " + dispatcher.pid() + " " + relay.pid());
                step("Look at them with: bin/media-sessions --config-dir " + env.configDir() + " [summary|sessions]");
                return;
            }
            relay.signal("TERM");
            int relayExit = relay.awaitExit(Duration.ofSeconds(15));
            dispatcher.signal("TERM");
            int dispatcherExit = dispatcher.awaitExit(Duration.ofSeconds(15));
            if (relayExit != 0 || dispatcherExit != 0) {
                throw new DemoFailure("shutdown exit codes: relay " + relayExit + ", dispatcher " + dispatcherExit);
            }
            step("Both daemons stopped on SIGTERM with exit code 0. Logs: " + env.logDir());
        } finally {
            if (!keep) {
                if (relay != null) {
                    relay.close();
                }
                dispatcher.close();
            }
        }
    }

    private void call(DemoEnvironment env) throws Exception {
        InetSocketAddress callerMedia = new InetSocketAddress("127.0.0.1", 0);
        try (RtpEndpoint callerRtp = RtpEndpoint.bind(callerMedia);
                RtpEndpoint callerRtcp = RtpEndpoint.bind(new InetSocketAddress("127.0.0.1", callerRtp.localAddress().getPort() + 1));
                RtpEndpoint calleeRtp = RtpEndpoint.bind(new InetSocketAddress("127.0.0.1", 0));
                RtpEndpoint calleeRtcp = RtpEndpoint.bind(new InetSocketAddress("127.0.0.1", calleeRtp.localAddress().getPort() + 1));
                OpenSipsClient opensips = OpenSipsClient.connect(env.controlSocket(), Duration.ofMillis(500))) {
            SipDialog dialog = new SipDialog("demo-" + ProcessHandle.current().pid() + "@127.0.0.1", "caller-tag",
                    "callee-tag", "2959232491322");
            String offerReply = opensips.send(dialog.offer(1, "127.0.0.1",
                    List.of(Media.audio("127.0.0.1", callerRtp.localAddress().getPort()))));
            step("INVITE offer  -> dispatcher answered '" + offerReply + "' (relay address for the callee)");
            InetSocketAddress relayForCallee = relayAddress(offerReply);
            String answerReply = opensips.send(dialog.answer(1, "127.0.0.1",
                    List.of(Media.audio("127.0.0.1", calleeRtp.localAddress().getPort()))));
            step("200 OK answer -> dispatcher answered '" + answerReply + "' (relay address for the caller)");
            InetSocketAddress relayForCaller = relayAddress(answerReply);

            // Both phones talk for the rest of the call: 50 RTP packets a second each way, an RTCP
            // report every second, like a G.711 call.
            MediaPump pump = new MediaPump(callerRtp, callerRtcp, relayForCaller, calleeRtp, calleeRtcp, relayForCallee);
            pump.start();
            try {
                Thread.sleep(3000);
                step(String.format("Media after 3 s: caller sent %d RTP packets, callee received %d from %s;"
                        + " callee sent %d, caller received %d from %s; RTCP reports received %d and %d",
                        callerRtp.sent(), calleeRtp.received(), calleeRtp.sources(), calleeRtp.sent(),
                        callerRtp.received(), callerRtp.sources(), calleeRtcp.received(), callerRtcp.received()));
                if (calleeRtp.received() == 0 || callerRtp.received() == 0) {
                    throw new DemoFailure("no media crossed the relay");
                }
                step("bin/media-sessions summary");
                out.print(managementView(env, "summary"));
                step("bin/media-sessions sessions");
                out.print(managementView(env, "sessions"));
            } finally {
                pump.stop();
            }

            String removed = opensips.send(dialog.remove());
            step("BYE remove    -> dispatcher answered '" + removed + "'");
            if (!removed.equals("removed")) {
                throw new DemoFailure("remove was answered '" + removed + "'");
            }
            step("Metrics after the call, from " + env.webPage().resolve("metrics") + ":");
            out.print(metrics(env, "mediaproxy_dispatcher_sessions_started_total",
                    "mediaproxy_dispatcher_sessions_ended_total", "mediaproxy_dispatcher_setup_latency_seconds_count"));
            step("Accounting row in " + env.accountingDatabase() + ":");
            out.println(accountingRow(env, dialog.callId()));
        }
    }

    /** Sends media both ways every 20 ms on its own thread until stopped. */
    private static final class MediaPump {
        private final Thread thread;
        private volatile boolean running = true;

        MediaPump(RtpEndpoint callerRtp, RtpEndpoint callerRtcp, InetSocketAddress toCaller,
                RtpEndpoint calleeRtp, RtpEndpoint calleeRtcp, InetSocketAddress toCallee) {
            thread = new Thread(() -> {
                try {
                    for (int i = 0; running; i++) {
                        callerRtp.sendRtp(toCaller, 0);
                        calleeRtp.sendRtp(toCallee, 8);
                        if (i % 50 == 0) {
                            calleeRtcp.sendRtcp(rtcp(toCallee));
                            callerRtcp.sendRtcp(rtcp(toCaller));
                        }
                        Thread.sleep(20);
                    }
                } catch (IOException | InterruptedException e) {
                    // the call is over
                }
            }, "demo-media");
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(1000);
        }
    }

    private static InetSocketAddress rtcp(InetSocketAddress rtp) {
        return new InetSocketAddress(rtp.getAddress(), rtp.getPort() + 1);
    }

    private static InetSocketAddress relayAddress(String reply) {
        String[] parts = reply.split(" ");
        if (parts.length != 2) {
            throw new DemoFailure("unexpected reply '" + reply + "'");
        }
        return new InetSocketAddress(parts[0], Integer.parseInt(parts[1]));
    }

    private String managementView(DemoEnvironment env, String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(env.checkout().resolve("bin/media-sessions").toString(),
                "--config-dir", env.configDir().toString(), command)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(20, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new DemoFailure("media-sessions " + command + " failed: " + output);
        }
        return output;
    }

    /** The samples of the named metric families, as the dispatcher serves them. */
    private static String metrics(DemoEnvironment env, String... names) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(env.webPage().resolve("metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new DemoFailure("/metrics answered " + response.statusCode() + ": " + response.body());
        }
        StringBuilder lines = new StringBuilder();
        for (String name : names) {
            List<String> samples = response.body().lines()
                    .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{")).toList();
            if (samples.isEmpty()) {
                throw new DemoFailure("/metrics has no " + name);
            }
            samples.forEach(line -> lines.append(line).append('\n'));
        }
        return lines.toString();
    }

    private void awaitRelayConnected(DemoEnvironment env, DaemonProcess relay) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!relay.isAlive()) {
                throw new DemoFailure("media-relay exited: " + relay.log());
            }
            try {
                JsonNode relays = env.management("summary");
                if (relays.size() > 0) {
                    return;
                }
                last = relays.toString();
            } catch (ManagementException notYet) {
                last = notYet.getMessage();
            }
            Thread.sleep(200);
        }
        throw new DemoFailure("the relay did not connect within " + START_TIMEOUT.toSeconds() + " s (last summary: "
                + last + "); relay log:\n" + relay.log());
    }

    private static void awaitFile(Path file, DaemonProcess process) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!Files.exists(file)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new DemoFailure("media-dispatcher did not create " + file + "; its log:\n" + process.log());
            }
            Thread.sleep(50);
        }
    }

    private static String accountingRow(DemoEnvironment env, String callId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            List<DemoEnvironment.AccountingRow> rows = env.accountingRows(callId);
            if (!rows.isEmpty()) {
                DemoEnvironment.AccountingRow row = rows.get(0);
                return "call_id=" + row.callId() + " from_tag=" + row.fromTag() + " to_tag=" + row.toTag()
                        + "\ninfo=" + row.info();
            }
            Thread.sleep(200);
        }
        throw new DemoFailure("no accounting row for " + callId + " appeared in " + env.accountingDatabase());
    }

    private void step(String text) {
        out.println("==> " + text);
    }

    private static final class DemoFailure extends RuntimeException {
        DemoFailure(String message) {
            super(message);
        }
    }
}
