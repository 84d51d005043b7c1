package org.mediaproxy.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.mediaproxy.common.json.PythonJson;
import org.mediaproxy.management.ManagementException;
import org.mediaproxy.testkit.DaemonProcess;
import org.mediaproxy.testkit.DemoEnvironment;
import org.mediaproxy.testkit.OpenSipsClient;

/**
 * A dispatcher and a relay started as real processes from {@code bin/}, on loopback, with the
 * sample certificates and SQLite accounting — the set-up of the README demo — plus the clients a
 * test needs: the OpenSIPS socket, the management port and the accounting table. Both daemons
 * may instead run together in a network namespace ({@link Site}), talking over its loopback.
 */
final class RunningMediaProxy implements AutoCloseable {

    static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();

    final DemoEnvironment env;
    final DaemonProcess dispatcher;
    /** The current relay process: {@link #startRelay()} replaces it. */
    DaemonProcess relay;
    private final Site site;
    private int relayStarts;

    /** The dispatcher's log line for a relay it has registered (and can give sessions to). */
    private static final Pattern RELAY_CONNECTED = Pattern.compile("INFO\\s+relay \\S+ (connected|reconnected;.*)");

    private RunningMediaProxy(DemoEnvironment env, Site site, DaemonProcess dispatcher) {
        this.env = env;
        this.site = site;
        this.dispatcher = dispatcher;
    }

    static RunningMediaProxy start(Path base, Map<String, String> extraConfig) throws Exception {
        return start(base, extraConfig, Site.HOST);
    }

    /** Both daemons in {@code site} (e.g. a network namespace), the relay connected to the dispatcher. */
    static RunningMediaProxy start(Path base, Map<String, String> extraConfig, Site site) throws Exception {
        DemoEnvironment env = DemoEnvironment.create(CHECKOUT, base, extraConfig);
        DaemonProcess dispatcher = DaemonProcess.start(CHECKOUT, "media-dispatcher", env.configDir(), env.runtimeDir(),
                env.logDir().resolve("dispatcher.log"), site.commandPrefix(), List.of());
        RunningMediaProxy running = new RunningMediaProxy(env, site, dispatcher);
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!env.controlSocket().toFile().exists()) {
                if (!dispatcher.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("dispatcher did not start:\n" + dispatcher.log());
                }
                Thread.sleep(50);
            }
            running.startRelay();
            return running;
        } catch (Exception | Error e) {
            running.close();
            throw e;
        }
    }

    /**
     * Starts (another) relay process with the same configuration, logging to a file of its own,
     * and waits until the dispatcher has taken it on and lists it. The previous one must have exited.
     */
    DaemonProcess startRelay() throws Exception {
        relayStarts++;
        relay = DaemonProcess.start(CHECKOUT, "media-relay", env.configDir(), env.runtimeDir(),
                env.logDir().resolve(relayStarts == 1 ? "relay.log" : "relay-" + relayStarts + ".log"),
                site.commandPrefix(), List.of());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (dispatcher.log().lines().filter(line -> RELAY_CONNECTED.matcher(line).matches()).count() < relayStarts) {
            if (!relay.isAlive() || !dispatcher.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the relay did not connect to the dispatcher\ndispatcher log:\n"
                        + dispatcher.log() + "\nrelay log:\n" + relay.log());
            }
            Thread.sleep(50);
        }
        // Also a first command over the new link, so a test's first call does not pay for both
        // daemons loading that code (the OpenSIPS module allows only 500 ms).
        awaitRelays(1);
        return relay;
    }

    /** Waits until the dispatcher's {@code summary} lists {@code count} relays. */
    void awaitRelays(int count) throws Exception {
        awaitManagement("summary", answer -> answer.size() == count, "the relay to connect");
    }

    JsonNode awaitManagement(String command, Predicate<JsonNode> condition, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            if (relay == null || !relay.isAlive() || !dispatcher.isAlive()) {
                break;
            }
            try {
                last = management(command);
                if (condition.test(last)) {
                    return last;
                }
            } catch (ManagementException notYet) {
                // the management port is not up yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("gave up waiting for " + what + "; last " + command + ": " + last
                + "\ndispatcher log:\n" + dispatcher.log() + "\nrelay log:\n" + (relay == null ? "" : relay.log()));
    }

    /** Asks the dispatcher's management port, from inside the daemons' site. */
    JsonNode management(String command) throws ManagementException {
        try {
            return site.call(() -> env.management(command));
        } catch (ManagementException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** OpenSIPS with the module's default {@code mediaproxy_timeout}, 500 ms. */
    OpenSipsClient opensips() throws IOException {
        return opensips(Duration.ofMillis(500));
    }

    /** For a dispatcher configured with the same {@code opensips_timeout}. */
    OpenSipsClient opensips(Duration timeout) throws IOException {
        return OpenSipsClient.connect(env.controlSocket(), timeout);
    }

    /** The {@code info} column of every accounting row for {@code callId}, waiting up to 10 s for one. */
    List<JsonNode> awaitAccounting(String callId, int rows) throws InterruptedException {
        return awaitAccounting(callId, rows, Duration.ofSeconds(10));
    }

    List<JsonNode> awaitAccounting(String callId, int rows, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<JsonNode> found = List.of();
        while (System.nanoTime() < deadline) {
            found = accounting(callId);
            if (found.size() >= rows) {
                return found;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(rows + " accounting row(s) for " + callId + " expected, found " + found.size()
                + "\ndispatcher log:\n" + dispatcher.log());
    }

    List<JsonNode> accounting(String callId) {
        return env.accountingRows(callId).stream().map(row -> PythonJson.parse(row.info())).toList();
    }

    @Override
    public void close() throws InterruptedException {
        if (relay != null) {
            relay.close();
        }
        dispatcher.close();
    }
}
