package org.mediaproxy.dispatcher.web;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mediaproxy.dispatcher.accounting.RealServers;

/**
 * Debian's headless Chromium, run as a person's browser would load a page: scripts run, timers
 * fire (in virtual time, so a 5 s budget takes about a second), fetches go to the server under
 * test. The build runs as root (CI does), so the package is installed on first use.
 */
final class Chromium {

    /** Virtual milliseconds the page may run before its DOM is taken: two refreshes of the page. */
    static final int VIRTUAL_TIME_MS = 5000;

    private static boolean installed;

    private final Path profile;

    /** @param scratch an empty directory for the browser's profile */
    Chromium(Path scratch) {
        this.profile = scratch;
        ensureInstalled();
    }

    /** The page's DOM after it has run for {@link #VIRTUAL_TIME_MS}. */
    String dumpDom(URI page) throws IOException, InterruptedException {
        return run(page, "--dump-dom");
    }

    /** A PNG of the page, after it has run for {@link #VIRTUAL_TIME_MS}. */
    void screenshot(URI page, Path png, int width, int height) throws IOException, InterruptedException {
        run(page, "--screenshot=" + png, "--window-size=" + width + "," + height, "--hide-scrollbars");
        if (!Files.isRegularFile(png)) {
            throw new AssertionError("chromium wrote no screenshot to " + png);
        }
    }

    private String run(URI page, String... what) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile.resolve("profile"),
                "--virtual-time-budget=" + VIRTUAL_TIME_MS));
        command.addAll(List.of(what));
        command.add(page.toString());
        // Output to files, so that a hanging browser cannot block a read and the timeout below holds.
        Path stdout = profile.resolve("stdout.txt");
        Path stderr = profile.resolve("stderr.txt");
        Process process = new ProcessBuilder(command)
                .directory(profile.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("chromium did not finish within 60 s: " + command);
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("chromium exited with " + process.exitValue() + ": " + command + "\n"
                    + Files.readString(stderr, StandardCharsets.UTF_8));
        }
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    private static synchronized void ensureInstalled() {
        if (installed) {
            return;
        }
        Path script = RealServers.repository().resolve("scripts/ensure-packages");
        try {
            Process process = new ProcessBuilder(script.toString(), "chromium").redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException(script + " chromium failed:\n" + new String(output, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted installing chromium", e);
        }
        installed = true;
    }
}
