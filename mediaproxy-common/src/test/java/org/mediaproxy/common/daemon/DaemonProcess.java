package org.mediaproxy.common.daemon;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** {@link TestDaemonMain} in its own JVM, with its output collected line by line. */
final class DaemonProcess implements AutoCloseable {

    final List<String> stdout = new CopyOnWriteArrayList<>();
    final List<String> stderr = new CopyOnWriteArrayList<>();
    private final Process process;
    private final Thread[] readers;

    private DaemonProcess(Process process) {
        this.process = process;
        readers = new Thread[] {reader(process.getInputStream(), stdout), reader(process.getErrorStream(), stderr)};
    }

    /**
     * Starts {@code wrapper... java jvmOptions... TestDaemonMain args...}. The wrapper lets a
     * test start the JVM with signals ignored (or reset) as a shell would.
     */
    static DaemonProcess start(List<String> wrapper, List<String> jvmOptions, Map<String, String> environment,
            String... args) throws IOException {
        List<String> command = new ArrayList<>(wrapper);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        // Start-up speed over peak performance: these JVMs live for a second or two.
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(TestDaemonMain.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("NOTIFY_SOCKET");
        builder.environment().putAll(environment);
        return new DaemonProcess(builder.start());
    }

    /** A foreground daemon with signals at their defaults, whatever the test JVM inherited. */
    static DaemonProcess start(Map<String, String> environment, String... args) throws IOException {
        return start(List.of("env", "--default-signal=HUP,INT,TERM,USR1"), List.of(), environment, args);
    }

    long pid() {
        return process.pid();
    }

    /** Waits for a line of {@code stream} (stdout or stderr) that matches. */
    static String awaitLine(List<String> stream, Predicate<String> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : stream) {
                if (wanted.test(line)) {
                    return line;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no matching line within " + timeout + " in " + stream);
    }

    String awaitStdout(String line) throws InterruptedException {
        return awaitLine(stdout, line::equals, Duration.ofSeconds(10));
    }

    void signal(String name) throws IOException, InterruptedException {
        signal(process.pid(), name);
    }

    static void signal(long pid, String name) throws IOException, InterruptedException {
        int status = new ProcessBuilder("kill", "-s", name, Long.toString(pid)).inheritIO().start().waitFor();
        if (status != 0) {
            throw new AssertionError("kill -s " + name + " " + pid + " failed with " + status);
        }
    }

    /** The exit status, after all output was read. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            throw new AssertionError("process did not exit; stdout " + stdout + ", stderr " + stderr);
        }
        for (Thread reader : readers) {
            reader.join(5000);
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private static Thread reader(InputStream in, List<String> lines) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // The process was killed; what was read is kept.
            }
        });
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
