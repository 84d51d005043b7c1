package org.mediaproxy.common.daemon;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * The command-line options both MediaProxy daemons share, as a picocli mixin:
 * <pre>
 * &#64;Command(name = "media-relay")
 * public final class RelayMain implements Daemon.Program {
 *     &#64;Mixin private final DaemonOptions daemonOptions = new DaemonOptions();
 *     ...
 * }
 * </pre>
 */
public final class DaemonOptions {

    /** The system configuration directory; always searched, after {@code --config-dir}. */
    public static final Path SYSTEM_CONFIG_DIR = Path.of("/etc/mediaproxy");
    public static final Path DEFAULT_RUNTIME_DIR = Path.of("/run/mediaproxy");

    @Option(names = "--config-dir", paramLabel = "PATH",
            description = "configuration directory, searched before /etc/mediaproxy (default: ${DEFAULT-VALUE})")
    private Path configDir = SYSTEM_CONFIG_DIR;

    @Option(names = "--runtime-dir", paramLabel = "PATH",
            description = "runtime directory for sockets, state and the PID file, created if missing"
                    + " (default: ${DEFAULT-VALUE})")
    private Path runtimeDir = DEFAULT_RUNTIME_DIR;

    @Option(names = "--no-fork", description = "run in the foreground and log to the terminal")
    private boolean noFork;

    @Option(names = "--systemd",
            description = "run in the foreground as a systemd service: log to stderr for the journal"
                    + " and report readiness with sd_notify")
    private boolean systemd;

    @Option(names = "--debug", description = "log at DEBUG level regardless of the configuration")
    private boolean debug;

    // The original dumps Python object statistics at exit; a JVM has its own tools for that.
    @Option(names = "--debug-memory",
            description = "accepted for compatibility with the original; has no effect in Java")
    private boolean debugMemory;

    @Option(names = "--version", versionHelp = true, description = "print the program name and version, then exit")
    private boolean version;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help, then exit")
    private boolean help;

    /** Set on the re-launched background process; see {@link Detacher}. */
    @Option(names = Detacher.CHILD_OPTION, hidden = true)
    private boolean detachedChild;

    /** Where to look for {@code config.ini}, most specific first, without duplicates. */
    public List<Path> configDirectories() {
        Set<Path> directories = new LinkedHashSet<>();
        directories.add(configDir.toAbsolutePath().normalize());
        directories.add(SYSTEM_CONFIG_DIR);
        return List.copyOf(directories);
    }

    public Path runtimeDirectory() {
        return runtimeDir;
    }

    /** {@code --systemd} wins over {@code --no-fork}, as in the original. */
    public RunMode mode() {
        if (systemd) {
            return RunMode.SYSTEMD;
        }
        return noFork ? RunMode.FOREGROUND : RunMode.BACKGROUND;
    }

    /** Whether {@code --debug} was given. */
    public boolean debug() {
        return debug;
    }

    boolean detachedChild() {
        return detachedChild;
    }
}
