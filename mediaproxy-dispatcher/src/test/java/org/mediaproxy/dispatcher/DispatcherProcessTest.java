package org.mediaproxy.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code media-dispatcher} as a real process: configuration file, sample credentials, a relay
 * and an OpenSIPS client; SIGUSR1 toggles DEBUG, SIGHUP/SIGTERM stop it in order with status 0.
 */
class DispatcherProcessTest extends EndToEndBase {

    private Process process;
    private Path output;

    @AfterEach
    void killLeftover() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private InetSocketAddress start(int relayPort) throws Exception {
        Path config = Files.createDirectories(runtime.resolve("etc"));
        int managementPort = freePort();
        Files.writeString(config.resolve("config.ini"), String.join("\n",
                "[Dispatcher]",
                "listen = 127.0.0.1:" + relayPort,
                "listen_management = 127.0.0.1:" + managementPort,
                "spool_dir = " + runtime.resolve("spool"),
                "[OpenSIPS]",
                "socket_path = " + runtime.resolve("opensips-mi.sock"),
                "[TLS]",
                "certs_path = " + SAMPLE_TLS.toAbsolutePath().normalize(),
                ""));
        output = runtime.resolve("dispatcher.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                DispatcherMain.class.getName(), "--no-fork", "--config-dir", config.toString(),
                "--runtime-dir", runtime.resolve("run").toString())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        Path socket = runtime.resolve("run").resolve("dispatcher.sock");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(socket)) {
            assertTrue(process.isAlive(), "media-dispatcher died: " + log());
            assertTrue(System.nanoTime() < deadline, "no socket after 30 s: " + log());
            Thread.sleep(50);
        }
        return new InetSocketAddress("127.0.0.1", relayPort);
    }

    private String log() throws IOException {
        return Files.readString(output, StandardCharsets.UTF_8);
    }

    private void signal(String name) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor());
    }

    private void awaitLog(String text) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!log().contains(text)) {
            assertTrue(System.nanoTime() < deadline, "no '" + text + "' in the log: " + log());
            Thread.sleep(20);
        }
    }

    @Test
    void servesAndStopsInOrderOnSigterm() throws Exception {
        InetSocketAddress relays = start(freePort());
        TestRelay relay = closeLater(TestRelay.connect(relayGroup, RELAY_A, relays, relayCredentials.clientContext(),
                new FakeRelay("203.0.113.5")));
        relay.awaitCommand("sessions", WAIT);
        Path run = runtime.resolve("run");
        try (OpenSipsTestClient opensips = OpenSipsTestClient.connect(run.resolve("dispatcher.sock"))) {
            assertEquals("203.0.113.5 40000", opensips.request(Requests.invite("process-call", "5", null), Duration.ofSeconds(2)));
        }
        assertEquals("rw-rw-rw-", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(run.resolve("dispatcher.sock"))), "OpenSIPS runs as another user");

        signal("USR1");
        awaitLog("Switched logging level to DEBUG");
        signal("USR1");
        awaitLog("Switched logging level to INFO");

        signal("TERM");
        assertTrue(process.waitFor(15, TimeUnit.SECONDS), "stopped: " + log());
        assertEquals(0, process.exitValue(), log());
        assertTrue(relay.awaitClosed(WAIT));
        assertFalse(Files.exists(run.resolve("dispatcher.sock")));
        assertTrue(Files.readString(run.resolve(MediaDispatcher.STATE_FILE)).contains("\"call_id\": \"process-call\""));
        assertTrue(log().contains("received SIGTERM: shutting down"), log());
    }

    @Test
    void sighupIsAnOrderlyStopToo() throws Exception {
        start(freePort());
        signal("HUP");
        assertTrue(process.waitFor(15, TimeUnit.SECONDS), "stopped: " + log());
        assertEquals(0, process.exitValue(), log());
        assertTrue(log().contains("received SIGHUP: shutting down"), log());
    }

    @Test
    void aBadConfigurationStopsStartUpWithStatusOne() throws Exception {
        Path config = Files.createDirectories(runtime.resolve("bad"));
        Files.writeString(config.resolve("config.ini"), "[Dispatcher]\nopensips_timeout = soon\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process bad = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                DispatcherMain.class.getName(), "--no-fork", "--config-dir", config.toString(),
                "--runtime-dir", runtime.resolve("run").toString())
                .redirectErrorStream(true)
                .start();
        String text = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(bad.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, bad.exitValue(), text);
        assertTrue(List.of(text.split("\n")).stream().anyMatch(line -> line.contains("Cannot start media-dispatcher")
                && line.contains("opensips_timeout")), text);
    }
}
