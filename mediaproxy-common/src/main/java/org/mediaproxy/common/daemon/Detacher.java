package org.mediaproxy.common.daemon;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Daemonizing for a JVM, which cannot fork: the parent starts the same command line again (same
 * java, JVM options, class path and arguments, plus {@value #CHILD_OPTION}) in a new session
 * with stdin from {@code /dev/null}, then relays the child's output until the child reports
 * through {@link StartupReport} that start-up succeeded or failed. The parent's exit status
 * therefore says whether the daemon is running, which a C daemon's double fork does not.
 */
final class Detacher {

    static final String CHILD_OPTION = "--detached-child";

    // setsid: no controlling terminal, so closing the operator's terminal cannot signal the
    // daemon. env: a parent started as a background job has SIGINT ignored (nohup: SIGHUP), and
    // ignored signals are inherited; the daemon must get them back to honour them.
    private static final List<String> LAUNCHER =
            List.of("setsid", "env", "--default-signal=HUP,INT,TERM,USR1");

    private Detacher() {
    }

    /** Runs in the parent: starts the child, waits for its verdict, returns the exit status. */
    static int startInBackground(String program) {
        PrintStream err = System.err;
        ProcessHandle.Info self = ProcessHandle.current().info();
        if (self.command().isEmpty() || self.arguments().isEmpty()) {
            err.println("Cannot start " + program + ": cannot read this JVM's command line to start it"
                    + " in the background; use --no-fork or --systemd");
            return Daemon.FAILURE;
        }
        List<String> command = new ArrayList<>(LAUNCHER);
        command.add(self.command().get());
        command.addAll(List.of(self.arguments().get()));
        command.add(CHILD_OPTION);
        Process child;
        try {
            child = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            err.println("Cannot start " + program + ": cannot start the background process: " + e.getMessage());
            return Daemon.FAILURE;
        }
        try (BufferedReader output = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            List<String> relayed = new ArrayList<>();
            String line;
            while ((line = output.readLine()) != null) {
                if (line.equals(StartupReport.READY)) {
                    return 0;
                }
                if (line.startsWith(StartupReport.FAILED)) {
                    String failure = "Cannot start " + program + ": " + line.substring(StartupReport.FAILED.length());
                    // A child without syslog logs to stderr, so its own log line may have said it.
                    if (relayed.stream().noneMatch(shown -> shown.endsWith(failure))) {
                        err.println(failure);
                    }
                    return Daemon.FAILURE;
                }
                // Early output (JVM warnings, a logging fallback notice) belongs to the operator.
                err.println(line);
                relayed.add(line);
            }
            int status = child.waitFor();
            if (status != 0) {
                err.println("Cannot start " + program + ": the background process exited with status " + status);
            }
            return status;
        } catch (IOException e) {
            err.println("Cannot start " + program + ": lost contact with the background process: " + e.getMessage());
            return Daemon.FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Daemon.FAILURE;
        }
    }
}
