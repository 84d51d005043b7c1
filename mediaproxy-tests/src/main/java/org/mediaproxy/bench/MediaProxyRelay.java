package org.mediaproxy.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mediaproxy.testkit.DaemonProcess;
import org.mediaproxy.testkit.DemoEnvironment;
import org.mediaproxy.testkit.OpenSipsClient;
import org.mediaproxy.testkit.SipDialog;
import org.mediaproxy.testkit.SipDialog.Media;

/**
 * Our relay under test, exactly as deployed: {@code bin/media-relay} with
 * {@code forwarding = userspace}, connected over mutual TLS to a real {@code bin/media-dispatcher},
 * and every call set up through the dispatcher's OpenSIPS socket the way the {@code mediaproxy}
 * module does it (offer with the INVITE, answer with the 200 OK). Only the relay's CPU is counted:
 * the dispatcher does no per-packet work.
 */
final class MediaProxyRelay implements RelayUnderTest {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final DaemonProcess dispatcher;
    private final DaemonProcess relay;
    private final OpenSipsClient opensips;

    private MediaProxyRelay(DaemonProcess dispatcher, DaemonProcess relay, OpenSipsClient opensips) {
        this.dispatcher = dispatcher;
        this.relay = relay;
        this.opensips = opensips;
    }

    /**
     * Starts both daemons from {@code checkout} with their configuration below {@code base}.
     *
     * @param javaOptions extra JVM options for the relay (MEDIAPROXY_JAVA_OPTS), e.g. a flight recording
     */
    static MediaProxyRelay start(Path checkout, Path base, int streams, List<String> javaOptions)
            throws IOException, InterruptedException {
        if (!Files.isExecutable(checkout.resolve("bin/media-relay"))) {
            throw new IOException("no bin/media-relay in " + checkout + " (run the bench through bin/bench)");
        }
        // The loopback environment sets forwarding = userspace; the relay's log line is checked below.
        DemoEnvironment env = DemoEnvironment.create(checkout, base, Map.of(), 4 * streams + 16);
        DaemonProcess dispatcher = DaemonProcess.start(checkout, "media-dispatcher", env.configDir(), env.runtimeDir(),
                env.logDir().resolve("dispatcher.log"), List.of(), List.of());
        DaemonProcess relay = null;
        try {
            // env(1) execs the launcher, which execs the JVM: the PID we hold is the relay's JVM.
            List<String> command = new ArrayList<>(List.of("env", "MEDIAPROXY_JAVA_OPTS=" + String.join(" ", javaOptions),
                    checkout.resolve("bin/media-relay").toString(), "--no-fork", "--config-dir", env.configDir().toString(),
                    "--runtime-dir", env.runtimeDir().toString()));
            relay = DaemonProcess.start("media-relay", command, env.logDir().resolve("relay.log"));
            dispatcher.awaitLog(line -> line.contains("relay 127.0.0.1 connected"), START_TIMEOUT,
                    "the relay's connection");
            relay.awaitLog(line -> line.contains("forwarding engine: userspace"), START_TIMEOUT,
                    "forwarding in user space");
            MediaProxyRelay started = new MediaProxyRelay(dispatcher, relay,
                    OpenSipsClient.connect(env.controlSocket(), Duration.ofSeconds(5)));
            started.warmUp();
            return started;
        } catch (IOException | RuntimeException | InterruptedException e) {
            if (relay != null) {
                relay.close();
            }
            dispatcher.close();
            throw e;
        }
    }

    /**
     * One throw-away call first: a cold relay JVM can take longer than the dispatcher's OpenSIPS
     * reply budget (about 400 ms) for its very first session.
     */
    private void warmUp() throws IOException, InterruptedException {
        SipDialog dialog = new SipDialog("bench-warm-up@127.0.0.1", "caller-warm-up", "callee-warm-up", "999999");
        List<Media> media = List.of(Media.audio("127.0.0.1", 9));
        send(dialog.offer(1, "127.0.0.1", media));
        send(dialog.answer(1, "127.0.0.1", media));
        send(dialog.remove());
    }

    /** Sends one request, repeating it while the dispatcher answers {@code error} (a slow moment of a busy machine). */
    private String send(String request) throws IOException, InterruptedException {
        String reply = "error";
        for (int attempt = 0; attempt < 10 && reply.equals("error"); attempt++) {
            if (attempt > 0) {
                Thread.sleep(200);
            }
            reply = opensips.send(request);
        }
        return reply;
    }

    @Override
    public String name() {
        return "mediaproxy";
    }

    @Override
    public long pid() {
        return relay.pid();
    }

    @Override
    public StreamRoute open(int stream, InetSocketAddress caller, InetSocketAddress callee) throws IOException {
        SipDialog dialog = new SipDialog("bench-" + stream + "@127.0.0.1", "caller-" + stream, "callee-" + stream,
                Integer.toString(1_000_000 + stream));
        try {
            InetSocketAddress forCallee = relayAddress(send(dialog.offer(1, "127.0.0.1",
                    List.of(Media.audio(caller.getAddress().getHostAddress(), caller.getPort())))));
            InetSocketAddress forCaller = relayAddress(send(dialog.answer(1, "127.0.0.1",
                    List.of(Media.audio(callee.getAddress().getHostAddress(), callee.getPort())))));
            return new StreamRoute(forCaller, forCallee);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while setting up call " + stream, e);
        }
    }

    /** {@code <ip> <port>} of the dispatcher's answer: where the other party must send. */
    private static InetSocketAddress relayAddress(String reply) throws IOException {
        String[] parts = reply.split(" ");
        if (parts.length != 2) {
            throw new IOException("the dispatcher answered '" + reply + "'");
        }
        return new InetSocketAddress(parts[0], Integer.parseInt(parts[1]));
    }

    @Override
    public void checkAlive() {
        if (!relay.isAlive()) {
            throw new IllegalStateException("media-relay died during the run; its log:\n" + relay.log());
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            opensips.close();
        } finally {
            relay.close();
            dispatcher.close();
        }
    }
}
