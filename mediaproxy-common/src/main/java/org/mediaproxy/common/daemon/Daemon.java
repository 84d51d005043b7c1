package org.mediaproxy.common.daemon;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Runs a MediaProxy daemon the way the original's start-up script does: parses the command line,
 * answers {@code --help}/{@code --version}, creates the runtime directory, detaches into the
 * background unless {@code --no-fork} or {@code --systemd}, sets up logging, reports readiness,
 * toggles DEBUG on SIGUSR1, and turns any start-up failure into exit status 1 with one line
 * {@code Cannot start <prog>: <reason>}.
 *
 * <pre>
 * &#64;Command(name = "media-relay", description = "MediaProxy media relay")
 * public final class RelayMain implements Daemon.Program {
 *     &#64;Mixin private final DaemonOptions daemonOptions = new DaemonOptions();
 *
 *     public static void main(String[] args) {
 *         Daemon.main(new RelayMain(), args);
 *     }
 *
 *     public int run(Daemon daemon) throws Exception {
 *         config = ...read from daemon.configDirectories()...;
 *         daemon.logging().setConfiguredLevel(config.logLevel());
 *         ...bind sockets; a thrown exception here is a start-up failure...
 *         daemon.onSignal(Signals.Name.HUP, relay::shutdownGracefully);
 *         daemon.onSignal(Signals.Name.TERM, relay::shutdownNow);
 *         daemon.ready("relay running");
 *         return relay.awaitTermination();   // the exit status
 *     }
 * }
 * </pre>
 */
public final class Daemon {

    /** Exit status of a failed start-up, or of a daemon that failed later. */
    public static final int FAILURE = 1;
    /** Exit status of a command-line error, as picocli and Python's optparse use. */
    public static final int USAGE_ERROR = 2;

    private static final Logger log = LoggerFactory.getLogger(Daemon.class);

    /** A daemon's body: a picocli {@code @Command} with a {@link DaemonOptions} mixin. */
    @FunctionalInterface
    public interface Program {
        /**
         * Starts the service, calls {@link Daemon#ready}, then serves until shut down (usually
         * by a signal callback) and returns the exit status. An exception before
         * {@code ready} is a start-up failure; its message becomes the reason shown.
         */
        int run(Daemon daemon) throws Exception;
    }

    private final String program;
    private final DaemonOptions options;
    private final Logging logging;
    private final Optional<SystemdNotifier> notifier;
    private final Optional<StartupReport> startupReport;
    private final AtomicBoolean ready = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile PidFile pidFile;

    private Daemon(String program, DaemonOptions options) {
        this.program = program;
        this.options = options;
        RunMode mode = options.mode();
        // First, so that anything the JVM prints during set-up still reaches the waiting parent.
        this.startupReport = options.detachedChild() ? Optional.of(new StartupReport()) : Optional.empty();
        this.logging = Logging.start(mode, program, options.debug());
        this.notifier = mode == RunMode.SYSTEMD ? SystemdNotifier.fromEnvironment() : Optional.empty();
    }

    /** Runs {@code program} and exits the JVM with its status. */
    public static void main(Program program, String[] args) {
        System.exit(execute(program, args));
    }

    /** Runs {@code program} and returns the exit status (in the background mode, the parent's). */
    public static int execute(Program program, String[] args) {
        CommandLine commandLine = new CommandLine(program);
        String name = commandLine.getCommandName();
        try {
            commandLine.parseArgs(args);
        } catch (ParameterException e) {
            System.err.println(name + ": " + e.getMessage());
            System.err.println("Try '" + name + " --help' for more information.");
            return USAGE_ERROR;
        }
        if (commandLine.isUsageHelpRequested()) {
            commandLine.usage(System.out);
            return 0;
        }
        if (commandLine.isVersionHelpRequested()) {
            System.out.println(name + " " + Version.current());
            return 0;
        }
        DaemonOptions options = daemonOptions(commandLine.getCommandSpec());
        if (options.mode() == RunMode.BACKGROUND && !options.detachedChild()) {
            return Detacher.startInBackground(name);
        }
        return new Daemon(name, options).run(program);
    }

    public String programName() {
        return program;
    }

    public DaemonOptions options() {
        return options;
    }

    /** Where to look for {@code config.ini}, most specific first. */
    public List<Path> configDirectories() {
        return options.configDirectories();
    }

    /** The runtime directory; it exists when {@link Program#run} is called. */
    public Path runtimeDirectory() {
        return options.runtimeDirectory();
    }

    public Logging logging() {
        return logging;
    }

    /**
     * Runs {@code callback} on HUP, INT or TERM (see {@link Signals#handle}). SIGUSR1 is taken:
     * it toggles DEBUG logging.
     */
    public void onSignal(Signals.Name signal, Runnable callback) {
        if (signal == Signals.Name.USR1) {
            throw new IllegalArgumentException("SIGUSR1 is reserved for toggling debug logging");
        }
        Signals.handle(signal, callback);
    }

    /**
     * Start-up is complete: sends {@code READY=1} with the status under systemd, or releases the
     * waiting parent in the background mode. Later calls only update the status.
     */
    public void ready(String status) {
        if (!ready.compareAndSet(false, true)) {
            status(status);
            return;
        }
        log.debug("{} ready: {}", program, status);
        notifier.ifPresent(n -> n.ready(status));
        startupReport.ifPresent(StartupReport::ready);
    }

    /** A status line for {@code systemctl status}; ignored outside systemd. */
    public void status(String status) {
        notifier.ifPresent(n -> n.status(status));
    }

    /** Shutdown has begun ({@code STOPPING=1}); also sent at exit if the program did not. */
    public void stopping() {
        if (stopping.compareAndSet(false, true)) {
            notifier.ifPresent(SystemdNotifier::stopping);
        }
    }

    private int run(Program body) {
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, program + "-exit"));
        try {
            prepareRuntimeDirectory();
            if (startupReport.isPresent()) {
                pidFile = PidFile.write(runtimeDirectory().resolve(program + ".pid"));
            }
            Signals.handle(Signals.Name.USR1, logging::toggleDebug);
            return body.run(this);
        } catch (Exception | LinkageError e) {
            return failed(e);
        } finally {
            close();
        }
    }

    private void prepareRuntimeDirectory() throws IOException {
        Path directory = runtimeDirectory();
        try {
            Files.createDirectories(directory);
        } catch (FileSystemException e) {
            String problem = directory.toString().equals(e.getFile()) ? reason(e) : describe(e);
            throw new IOException("cannot create runtime directory " + directory + ": " + problem, e);
        }
    }

    private int failed(Throwable e) {
        String reason = describe(e);
        if (ready.get()) {
            log.error("{} failed: {}", program, reason, e);
            return FAILURE;
        }
        log.error("Cannot start {}: {}", program, reason);
        log.debug("Start-up failure", e);
        startupReport.ifPresent(report -> report.failed(reason));
        return FAILURE;
    }

    // Runs once, from the main thread or from the shutdown hook when a signal without a callback
    // (or System.exit elsewhere) ends the JVM.
    private void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (ready.get()) {
            stopping();
        }
        PidFile written = pidFile;
        if (written != null) {
            written.delete();
        }
        notifier.ifPresent(SystemdNotifier::close);
        logging.stop();
    }

    private static String describe(Throwable e) {
        if (e instanceof FileSystemException) {
            return ((FileSystemException) e).getFile() + ": " + reason((FileSystemException) e);
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.toString() : message;
    }

    // The OS's reason, or one made from the exception's name (NoSuchFileException: the message
    // is just the path).
    private static String reason(FileSystemException e) {
        if (e.getReason() != null) {
            return e.getReason();
        }
        return e.getClass().getSimpleName().replaceAll("Exception$", "")
                .replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
    }

    private static DaemonOptions daemonOptions(CommandSpec spec) {
        for (CommandSpec mixin : spec.mixins().values()) {
            if (mixin.userObject() instanceof DaemonOptions) {
                return (DaemonOptions) mixin.userObject();
            }
        }
        throw new IllegalArgumentException(spec.name() + " has no @Mixin DaemonOptions");
    }
}
