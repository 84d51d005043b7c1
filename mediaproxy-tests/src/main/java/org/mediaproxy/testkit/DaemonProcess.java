package org.mediaproxy.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One of our daemons started as a real process through its launcher in {@code bin/}, exactly as an
 * operator would run it in the foreground, with its output captured in a log file.
 */
public final class DaemonProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    private DaemonProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code bin/<launcher> --no-fork --config-dir <configDir> --runtime-dir <runtimeDir> [extra]}.
     * {@code prefix} (may be empty) is prepended, e.g. {@code ip netns exec relay}.
     */
    public static DaemonProcess start(Path checkout, String launcher, Path configDir, Path runtimeDir, Path log,
            List<String> prefix, List<String> extra) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.add(checkout.resolve("bin").resolve(launcher).toString());
        command.addAll(List.of("--no-fork", "--config-dir", configDir.toString(), "--runtime-dir", runtimeDir.toString()));
        command.addAll(extra);
        return start(launcher, command, log);
    }

    /** Starts any long-running program (e.g. a third-party relay) with its output captured in {@code log}. */
    public static DaemonProcess start(String name, List<String> command, Path log) throws IOException {
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new DaemonProcess(name, process, log);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    public Path logFile() {
        return log;
    }

    /** Waits until a log line satisfies {@code condition}; fails early if the process dies. */
    public void awaitLog(Predicate<String> condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (log().lines().anyMatch(condition)) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue()
                        + " before " + what + "; its log:\n" + log());
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(name + " did not get to " + what + " within " + timeout.toSeconds()
                + " s; its log:\n" + log());
    }

    /** Sends a signal by name (HUP, TERM, INT, USR1) the way an operator or systemd would. */
    public void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -s " + signal + " " + process.pid() + " failed");
        }
    }

    /** Waits for the process to exit and returns its exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(name + " still running " + timeout.toSeconds() + " s later; its log:\n" + log());
        }
        return process.exitValue();
    }

    /** Stops the daemon with TERM, escalating to KILL so no test leaves a process behind. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
