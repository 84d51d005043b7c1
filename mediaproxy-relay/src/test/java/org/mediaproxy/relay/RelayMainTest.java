package org.mediaproxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mediaproxy.common.tls.TlsSamples;
import org.mediaproxy.relay.testing.LinkFixture;
import org.mediaproxy.relay.testing.TestDispatcher;

/**
 * media-relay as a real process (a child JVM running {@link RelayMain}) against a test dispatcher:
 * start-up failures, and the signals as a dispatcher sees them (behaviours 116-118, 122).
 */
class RelayMainTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    private final LinkFixture fixture = new LinkFixture();
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (Process process : processes) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        fixture.close();
    }

    private Process startRelay(String relaySection, Path certs) throws IOException {
        Path configDir = Files.createDirectories(dir.resolve("etc"));
        int ports = 40000 + 2 * ThreadLocalRandom.current().nextInt(9000);
        Files.writeString(configDir.resolve("config.ini"), """
                [Relay]
                relay_ip = 127.0.0.1
                port_range = %d:%d
                keepalive_interval = 1
                forwarding = userspace
                routable_private_ranges = 127.0.0.0/8
                %s

                [TLS]
                certs_path = %s
                """.formatted(ports, ports + 100, relaySection, certs));
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                RelayMain.class.getName(), "--no-fork", "--config-dir", configDir.toString(),
                "--runtime-dir", dir.resolve("run").toString());
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("relay.log").toFile())
                .start();
        processes.add(process);
        return process;
    }

    private Process startRelay(TestDispatcher dispatcher) throws IOException {
        return startRelay("dispatchers = 127.0.0.1:" + dispatcher.port(), TlsSamples.directory());
    }

    private String log() throws IOException {
        return Files.readString(dir.resolve("relay.log"));
    }

    private int exitCode(Process process) throws Exception {
        assertTrue(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "relay did not exit; its log:\n" + log());
        return process.exitValue();
    }

    private static void signal(Process process, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor());
    }

    private static String update(int seq, String callId) {
        return "update " + seq + "\r\ntype: request\r\ncall_id: " + callId + "\r\ncseq: 1\r\n"
                + "from_uri: sip:alice@example.com\r\nto_uri: sip:bob@example.com\r\nfrom_tag: tag-" + callId + "\r\n"
                + "user_agent: relay test\r\nsignaling_ip: 127.0.0.1\r\nmedia: audio:127.0.0.1:4000:sendrecv:ice=no\r\n\r\n";
    }

    private static String remove(int seq, String callId) {
        return "remove " + seq + "\r\ncall_id: " + callId + "\r\nfrom_tag: tag-" + callId + "\r\n\r\n";
    }

    private static void assertMatches(String regex, String line) {
        assertTrue(line.matches(regex), "'" + line + "' does not match " + regex);
    }

    private static String ask(TestDispatcher.Connection connection, String command) throws Exception {
        connection.send(command);
        String line = connection.nextLine(WAIT);
        assertNotNull(line, "no answer to " + command.lines().findFirst().orElse(""));
        return line;
    }

    private TestDispatcher.Connection connect(TestDispatcher dispatcher) throws Exception {
        TestDispatcher.Connection connection = dispatcher.nextConnection(WAIT);
        assertNotNull(connection, "relay did not connect; its log:\n" + log());
        assertEquals("0 []", ask(connection, "sessions 0\r\n\r\n"));
        return connection;
    }

    @Test
    void missingCertificatesStopStartUpWithOneLine() throws Exception {
        Process relay = startRelay("dispatchers = 127.0.0.1:25060", dir.resolve("no-such-dir"));
        assertEquals(1, exitCode(relay));
        String log = log();
        assertTrue(log.contains("Cannot start media-relay:") && log.contains("ca.pem"), log);
    }

    @Test
    void badPortRangeStopsStartUp() throws Exception {
        Process relay = startRelay("port_range = 40001:60000", TlsSamples.directory());
        assertEquals(1, exitCode(relay));
        String log = log();
        assertTrue(log.contains("Cannot start media-relay:") && log.contains("port_range"), log);
    }

    @Test
    void hangupWithoutSessionsExitsAtOnce() throws Exception {
        TestDispatcher dispatcher = fixture.dispatcher("127.0.0.1", 0);
        Process relay = startRelay(dispatcher);
        TestDispatcher.Connection connection = connect(dispatcher);

        signal(relay, "HUP");
        assertEquals(0, exitCode(relay));
        connection.closed.get(5, TimeUnit.SECONDS);
    }

    @Test
    void hangupRefusesNewSessionsAndExitsAfterTheLastOneEnds() throws Exception {
        TestDispatcher dispatcher = fixture.dispatcher("127.0.0.1", 0);
        Process relay = startRelay(dispatcher);
        TestDispatcher.Connection connection = connect(dispatcher);
        assertMatches("1 127\\.0\\.0\\.1 \\d+", ask(connection, update(1, "call-1")));

        signal(relay, "HUP");
        // The signal is handled asynchronously: ask until the relay says it is halting.
        int seq = 2;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!ask(connection, "summary " + seq + "\r\n\r\n").contains("\"status\": \"halting\"")) {
            assertTrue(System.nanoTime() < deadline, "relay never reported halting; its log:\n" + log());
            Thread.sleep(100);
            seq++;
        }
        assertEquals(++seq + " halting", ask(connection, update(seq, "call-2")));
        // Existing sessions go on.
        assertMatches(++seq + " 127\\.0\\.0\\.1 \\d+", ask(connection, update(seq, "call-1")));
        Thread.sleep(500);
        assertTrue(relay.isAlive(), "one session is left");
        assertFalse(connection.closed.isDone());

        assertTrue(ask(connection, remove(++seq, "call-1")).startsWith(seq + " {\"call_id\": \"call-1\""));
        assertEquals(0, exitCode(relay));
        connection.closed.get(5, TimeUnit.SECONDS);
    }

    @Test
    void terminateSendsEveryExpiredRecordBeforeDisconnecting() throws Exception {
        TestDispatcher dispatcher = fixture.dispatcher("127.0.0.1", 0);
        Process relay = startRelay(dispatcher);
        TestDispatcher.Connection connection = connect(dispatcher);
        for (int i = 1; i <= 3; i++) {
            assertMatches(i + " 127\\.0\\.0\\.1 \\d+", ask(connection, update(i, "call-" + i)));
        }

        signal(relay, "TERM");
        connection.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        List<String> expired = new ArrayList<>(connection.lines);
        assertEquals(3, expired.size(), expired.toString());
        for (int i = 1; i <= 3; i++) {
            String prefix = "expired {\"call_id\": \"call-" + i + "\"";
            assertTrue(expired.stream().anyMatch(line -> line.startsWith(prefix)), expired.toString());
        }
        assertEquals(0, exitCode(relay));
    }
}
