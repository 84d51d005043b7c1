package org.mediaproxy.common.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Daemon} and friends in real JVMs, driven with real signals and sockets. */
class DaemonTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void noForkLogsToStdoutWithLevelColumnAndExitsZeroOnTerm() throws Exception {
        Path runtime = dir.resolve("run/mediaproxy");
        try (DaemonProcess daemon = DaemonProcess.start(Map.of(), "--no-fork", "--runtime-dir", runtime.toString())) {
            daemon.awaitStdout("INFO    test-daemon started");
            assertTrue(Files.isDirectory(runtime), "runtime directory created");
            assertFalse(Files.exists(runtime.resolve("test-daemon.pid")), "no PID file in the foreground");

            daemon.signal("TERM");
            assertEquals(0, daemon.awaitExit());
            assertEquals(List.of("INFO    test-daemon starting", "INFO    test-daemon started",
                    "INFO    callback TERM", "INFO    test-daemon stopped"), daemon.stdout);
            assertEquals(List.of(), daemon.stderr);
        }
    }

    @Test
    void signalsReachCallbacksAndUsr1TogglesDebug() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(Map.of(), "--no-fork", "--runtime-dir", dir.toString())) {
            daemon.awaitStdout("INFO    test-daemon started");

            daemon.signal("HUP");
            daemon.awaitStdout("INFO    callback HUP 1");
            daemon.signal("USR1");
            daemon.awaitStdout("INFO    Switched logging level to DEBUG");
            daemon.signal("HUP");
            daemon.awaitStdout("INFO    callback HUP 2");
            daemon.signal("USR1");
            daemon.awaitStdout("INFO    Switched logging level to INFO");
            daemon.signal("HUP");
            daemon.awaitStdout("INFO    callback HUP 3");
            daemon.signal("INT");
            assertEquals(0, daemon.awaitExit());

            List<String> debugLines = daemon.stdout.stream().filter(line -> line.startsWith("DEBUG")).toList();
            assertEquals(List.of("DEBUG   debug line after HUP 2"), debugLines.stream()
                    .filter(line -> line.contains("after HUP")).toList());
            assertTrue(daemon.stdout.contains("INFO    callback INT"), daemon.stdout::toString);
        }
    }

    @Test
    void debugOptionStartsAtDebug() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(Map.of(), "--no-fork", "--debug", "--runtime-dir", dir.toString())) {
            daemon.awaitStdout("INFO    test-daemon started");
            daemon.signal("HUP");
            daemon.awaitStdout("INFO    callback HUP 1");
            assertTrue(daemon.stdout.contains("DEBUG   debug line after HUP 1"), daemon.stdout::toString);
            daemon.signal("TERM");
            assertEquals(0, daemon.awaitExit());
        }
    }

    @Test
    void signalIgnoredAtStartIsReported() throws Exception {
        // What a script's "media-relay --no-fork &" does to SIGINT.
        List<String> ignoreInt = List.of("bash", "-c", "trap '' INT; exec \"$@\"", "bash");
        try (DaemonProcess daemon = DaemonProcess.start(ignoreInt, List.of(), Map.of(),
                "--no-fork", "--runtime-dir", dir.toString())) {
            daemon.awaitStdout("INFO    test-daemon started");
            assertTrue(daemon.stdout.stream().anyMatch(line ->
                    line.startsWith("WARNING SIGINT was ignored when this process started")), daemon.stdout::toString);
            daemon.signal("TERM");
            assertEquals(0, daemon.awaitExit());
        }
    }

    @Test
    void backgroundModeDetachesWritesPidFileAndLogsToSyslog() throws Exception {
        Path runtime = dir.resolve("run");
        Path pidFile = runtime.resolve("test-daemon.pid");
        Path syslogSocket = dir.resolve("log");
        // Left by a crashed daemon: PID 999999999 is above Linux's pid_max, so never alive.
        Files.createDirectories(runtime);
        Files.writeString(pidFile, "999999999\n");
        long pid = 0;
        try (DatagramSink syslog = new DatagramSink(syslogSocket.toString());
             DaemonProcess parent = DaemonProcess.start(List.of(),
                     List.of("-D" + Logging.SYSLOG_SOCKET_PROPERTY + "=" + syslogSocket), Map.of(),
                     "--runtime-dir", runtime.toString())) {
            assertEquals(0, parent.awaitExit(), () -> "parent stderr: " + parent.stderr);
            assertEquals(List.of(), parent.stdout);
            assertEquals(List.of(), parent.stderr);

            pid = Long.parseLong(Files.readString(pidFile).strip());
            assertNotEquals(parent.pid(), pid);
            assertTrue(ProcessHandle.of(pid).isPresent(), "daemon alive");
            String[] stat = procStat(pid);
            assertEquals(Long.toString(pid), stat[5], "the daemon leads its own session");
            for (int fd = 0; fd <= 2; fd++) {
                assertEquals(Path.of("/dev/null"), Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/" + fd)),
                        "fd " + fd + " of the daemon");
            }
            Pattern started = Pattern.compile("<30>[A-Z][a-z]{2} [ 1-3][0-9] \\d\\d:\\d\\d:\\d\\d test-daemon\\["
                    + pid + "\\]: INFO    test-daemon started");
            syslog.await(datagram -> started.matcher(datagram).matches(), WAIT);

            DaemonProcess.signal(pid, "USR1");
            syslog.await(datagram -> datagram.endsWith("]: INFO    Switched logging level to DEBUG"), WAIT);
            DaemonProcess.signal(pid, "TERM");
            syslog.await(datagram -> datagram.endsWith("]: INFO    callback TERM"), WAIT);
            awaitTermination(pid);
            assertFalse(Files.exists(pidFile), "PID file removed at exit");
            pid = 0;
        } finally {
            if (pid != 0) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    void backgroundStartupFailureExitsOneWithOneLine() throws Exception {
        Path runtime = dir.resolve("run");
        // No syslog socket: the child logs to the parent's stderr until it gives up.
        try (DaemonProcess parent = DaemonProcess.start(List.of(),
                List.of("-D" + Logging.SYSLOG_SOCKET_PROPERTY + "=" + dir.resolve("no-syslog")), Map.of(),
                "--runtime-dir", runtime.toString(), "--fail-start", "port 40000 is in use")) {
            assertEquals(1, parent.awaitExit());
            assertEquals(1, parent.stderr.stream()
                    .filter(line -> line.contains("Cannot start test-daemon: port 40000 is in use")).count(),
                    parent.stderr::toString);
            assertTrue(parent.stderr.contains(
                    "WARNING Syslog socket " + dir.resolve("no-syslog") + " is not available; logging to standard error"),
                    parent.stderr::toString);
            assertFalse(Files.exists(runtime.resolve("test-daemon.pid")), "no PID file left behind");
        }
    }

    @Test
    void pidFileOfARunningJvmStopsASecondInstance() throws Exception {
        Path runtime = Files.createDirectories(dir.resolve("run"));
        Path pidFile = runtime.resolve("test-daemon.pid");
        String running = ProcessHandle.current().pid() + "\n";
        Files.writeString(pidFile, running);
        try (DaemonProcess parent = DaemonProcess.start(List.of(),
                List.of("-D" + Logging.SYSLOG_SOCKET_PROPERTY + "=" + dir.resolve("no-syslog")), Map.of(),
                "--runtime-dir", runtime.toString())) {
            assertEquals(1, parent.awaitExit());
            assertEquals(1, parent.stderr.stream().filter(line -> line.endsWith("Cannot start test-daemon: already running (pid "
                    + ProcessHandle.current().pid() + " in " + pidFile + ")")).count(), parent.stderr::toString);
            assertEquals(running, Files.readString(pidFile));
        }
    }

    @Test
    void runtimeDirectoryThatCannotBeCreatedIsAStartupFailure() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "");
        try (DaemonProcess daemon = DaemonProcess.start(Map.of(), "--no-fork", "--runtime-dir", file.resolve("run").toString())) {
            assertEquals(1, daemon.awaitExit());
            assertEquals(List.of("ERROR   Cannot start test-daemon: cannot create runtime directory "
                    + file.resolve("run") + ": Not a directory"), daemon.stdout);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"path", "abstract"})
    void systemdModeNotifiesAndLogsForTheJournal(String kind) throws Exception {
        String notifySocket = kind.equals("path")
                ? dir.resolve("notify").toString()
                : "@mediaproxy-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        String bindAddress = notifySocket.startsWith("@") ? "\0" + notifySocket.substring(1) : notifySocket;
        try (DatagramSink systemd = new DatagramSink(bindAddress);
             DaemonProcess daemon = DaemonProcess.start(Map.of("NOTIFY_SOCKET", notifySocket),
                     "--systemd", "--runtime-dir", dir.resolve("run").toString())) {
            String ready = systemd.await(datagram -> datagram.startsWith("READY=1"), WAIT);
            assertEquals("READY=1\nSTATUS=test daemon running\nMAINPID=" + daemon.pid(), ready);
            assertTrue(daemon.stderr.contains("<6>INFO    test-daemon started"), daemon.stderr::toString);

            daemon.signal("TERM");
            assertEquals("STOPPING=1", systemd.await(datagram -> true, WAIT));
            assertEquals(0, daemon.awaitExit());
            assertEquals(List.of(), daemon.stdout);
            assertTrue(daemon.stderr.contains("<6>INFO    callback TERM"), daemon.stderr::toString);
        }
    }

    @Test
    void versionPrintsProgramNameAndVersion() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(Map.of(), "--version")) {
            assertEquals(0, daemon.awaitExit());
            assertEquals(List.of("test-daemon " + Version.current()), daemon.stdout);
        }
        assertTrue(Version.current().matches("\\d+\\.\\d+\\.\\d+.*"), Version.current());
    }

    @Test
    void unknownOptionIsAUsageError() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(Map.of(), "--no-such-option")) {
            assertEquals(Daemon.USAGE_ERROR, daemon.awaitExit());
            assertEquals("test-daemon: Unknown option: '--no-such-option'", daemon.stderr.get(0));
        }
    }

    // Fields of /proc/<pid>/stat after the command name: [0] state, ... [3] session id (index 5 overall).
    private static String[] procStat(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
        String afterName = stat.substring(stat.lastIndexOf(')') + 2);
        String[] rest = afterName.split(" ");
        String[] fields = new String[rest.length + 2];
        fields[0] = Long.toString(pid);
        fields[1] = stat.substring(stat.indexOf('('), stat.lastIndexOf(')') + 1);
        System.arraycopy(rest, 0, fields, 2, rest.length);
        return fields;
    }

    // The daemon is not our child, so nobody here reaps it: gone or a zombie both mean exited.
    private static void awaitTermination(long pid) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (procStat(pid)[2].equals("Z")) {
                    return;
                }
            } catch (NoSuchFileException e) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("daemon " + pid + " still running");
    }
}
