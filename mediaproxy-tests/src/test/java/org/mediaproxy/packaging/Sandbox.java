package org.mediaproxy.packaging;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A disposable copy of this machine to install packages into: the real root file system under a
 * copy-on-write overlay (changes go to a tmpfs and vanish with the sandbox), in its own mount and
 * network namespaces, with fresh {@code /run} and {@code /tmp}. So apt, the maintainer scripts and
 * the daemons run as on a freshly installed host, while the machine running the tests keeps its
 * packages, its {@code /etc} and its sysctl settings (ip_forward is per network namespace).
 *
 * <p>A {@code sleep} process chrooted into the overlay holds the namespaces; commands enter them
 * with {@code nsenter}, which execs the command itself, so a started process's PID is the
 * command's (signals reach it directly). Files inside are reachable from outside through
 * {@code /proc/<holder>/root}. Needs root.
 */
final class Sandbox implements AutoCloseable {

    /** Output and exit code of a command run to completion. */
    record Result(int exitCode, String output) {
    }

    private static final String SET_UP = """
            set -e
            base=$1
            mount -t tmpfs -o size=1g mediaproxy-sandbox "$base"
            mkdir "$base/upper" "$base/work" "$base/root"
            mount -t overlay overlay -o "lowerdir=/,upperdir=$base/upper,workdir=$base/work" "$base/root"
            mount --rbind /dev "$base/root/dev"
            mount -t proc proc "$base/root/proc"
            mount -t sysfs sysfs "$base/root/sys"
            mount -t tmpfs tmpfs "$base/root/run"
            mount -t tmpfs tmpfs "$base/root/tmp"
            # The checkout (packages, demo config) stays visible even where the fresh /tmp or /run
            # would hide it, e.g. a CI clone below /tmp.
            mkdir -p "$base/root$2"
            mount --bind "$2" "$base/root$2"
            exec chroot "$base/root" /bin/sh -c 'ip link set lo up && echo ready && exec sleep infinity'
            """;

    private final Process holder;

    private Sandbox(Process holder) {
        this.holder = holder;
    }

    /**
     * Sets up the sandbox; {@code mountPoint} is an empty directory that only the namespaces see
     * used, {@code visible} a host directory shown inside at the same path.
     */
    static Sandbox start(Path mountPoint, Path visible) throws IOException {
        Files.createDirectories(mountPoint);
        Process holder = new ProcessBuilder("unshare", "--mount", "--net", "--propagation", "private",
                "sh", "-c", SET_UP, "sh", mountPoint.toString(), visible.toString())
                .redirectErrorStream(true)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.equals("ready")) {
                return new Sandbox(holder);
            }
            seen.append(line).append('\n');
        }
        holder.destroyForcibly();
        throw new IOException("the sandbox could not be set up:\n" + seen);
    }

    /** Runs a shell command line inside and waits for it; stderr is merged into the output. */
    Result sh(String commandLine) throws IOException, InterruptedException {
        Process process = spawn(List.of("sh", "-c", commandLine), Map.of(), null);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException("still running after 5 minutes: " + commandLine + "\n" + output);
        }
        return new Result(process.exitValue(), output);
    }

    /**
     * Starts {@code command} inside with {@code environment} added to ours; its output goes to
     * {@code log} (a host path) when given.
     */
    Process spawn(List<String> command, Map<String, String> environment, Path log) throws IOException {
        List<String> full = new ArrayList<>(List.of("nsenter", "--target", Long.toString(holder.pid()),
                "--mount", "--net", "--root", "--wd"));
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
        builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
        builder.environment().putAll(environment);
        if (log != null) {
            builder.redirectOutput(log.toFile());
        }
        return builder.start();
    }

    /** Where a path inside the sandbox can be read, written or connected to from outside. */
    Path outside(String inside) {
        return Path.of("/proc", Long.toString(holder.pid()), "root", inside.replaceFirst("^/+", ""));
    }

    /** Ends the holder; the kernel drops the namespaces and the overlay with the last process in them. */
    @Override
    public void close() throws InterruptedException {
        holder.destroyForcibly();
        holder.waitFor(10, TimeUnit.SECONDS);
    }
}
