package org.mediaproxy.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.mediaproxy.common.json.PythonJson;
import org.mediaproxy.management.ManagementException;
import org.mediaproxy.testkit.DaemonProcess;
import org.mediaproxy.testkit.DemoEnvironment;
import org.mediaproxy.testkit.OpenSipsClient;

/**
 * A dispatcher and a relay started as real processes from {@code bin/}, on loopback, with the
 * sample certificates and SQLite accounting — the set-up of the README demo — plus the clients a
 * test needs: the OpenSIPS socket, the management port and the accounting table.
 */
final class RunningMediaProxy implements AutoCloseable {

    static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();

    final DemoEnvironment env;
    final DaemonProcess dispatcher;
    final DaemonProcess relay;

    private RunningMediaProxy(DemoEnvironment env, DaemonProcess dispatcher, DaemonProcess relay) {
        this.env = env;
        this.dispatcher = dispatcher;
        this.relay = relay;
    }

    static RunningMediaProxy start(Path base, java.util.Map<String, String> extraConfig) throws Exception {
        DemoEnvironment env = DemoEnvironment.create(CHECKOUT, base, extraConfig);
        DaemonProcess dispatcher = DaemonProcess.start(CHECKOUT, "media-dispatcher", env.configDir(), env.runtimeDir(),
                env.logDir().resolve("dispatcher.log"), List.of(), List.of());
        DaemonProcess relay = null;
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!env.controlSocket().toFile().exists()) {
                if (!dispatcher.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("dispatcher did not start:\n" + dispatcher.log());
                }
                Thread.sleep(50);
            }
            relay = DaemonProcess.start(CHECKOUT, "media-relay", env.configDir(), env.runtimeDir(),
                    env.logDir().resolve("relay.log"), List.of(), List.of());
            RunningMediaProxy running = new RunningMediaProxy(env, dispatcher, relay);
            running.awaitRelays(1);
            return running;
        } catch (Exception | Error e) {
            if (relay != null) {
                relay.close();
            }
            dispatcher.close();
            throw e;
        }
    }

    /** Waits until the dispatcher's {@code summary} lists {@code count} relays. */
    void awaitRelays(int count) throws Exception {
        awaitManagement("summary", answer -> answer.size() == count, "the relay to connect");
    }

    JsonNode awaitManagement(String command, Predicate<JsonNode> condition, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            if (!relay.isAlive() || !dispatcher.isAlive()) {
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
                + "\ndispatcher log:\n" + dispatcher.log() + "\nrelay log:\n" + relay.log());
    }

    JsonNode management(String command) throws ManagementException {
        return env.management(command);
    }

    OpenSipsClient opensips() throws IOException {
        return OpenSipsClient.connect(env.controlSocket(), Duration.ofMillis(500));
    }

    /** The {@code info} column of every accounting row for {@code callId}, waiting up to 10 s for one. */
    List<JsonNode> awaitAccounting(String callId, int rows) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
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
        List<JsonNode> rows = new ArrayList<>();
        if (!env.accountingDatabase().toFile().exists()) {
            return rows;
        }
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + env.accountingDatabase());
                PreparedStatement query = db.prepareStatement("SELECT info FROM media_sessions WHERE call_id = ?")) {
            query.setString(1, callId);
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    rows.add(PythonJson.parse(new String(row.getBytes(1), StandardCharsets.UTF_8)));
                }
            }
        } catch (SQLException tableNotYetThere) {
            return rows;
        }
        return rows;
    }

    @Override
    public void close() throws InterruptedException {
        relay.close();
        dispatcher.close();
    }
}
