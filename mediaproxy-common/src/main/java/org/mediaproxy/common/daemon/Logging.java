package org.mediaproxy.common.daemon;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Programmatic Logback set-up for the daemons, so that no {@code logback.xml} found on the class
 * path changes where a daemon logs:
 * <ul>
 * <li>{@link RunMode#FOREGROUND}: stdout, {@code LEVEL    message};</li>
 * <li>{@link RunMode#SYSTEMD}: stderr without timestamps (journald adds them), each line
 *     prefixed with its {@code <severity>} for the journal;</li>
 * <li>{@link RunMode#BACKGROUND}: syslog through {@code /dev/log} (ident = program name, with
 *     the real PID); stderr with a warning when that socket does not exist. The system property
 *     {@value #SYSLOG_SOCKET_PROPERTY} names another socket (chroots, tests).</li>
 * </ul>
 * The effective level is DEBUG while debugging is on ({@code --debug}, or toggled by SIGUSR1),
 * else the configured level ({@code log_level}). Chatty libraries stay at WARN in every case.
 */
public final class Logging {

    public static final String SYSLOG_SOCKET_PROPERTY = "mediaproxy.syslog.socket";
    private static final String DEFAULT_SYSLOG_SOCKET = "/dev/log";
    private static final List<String> QUIET_LIBRARIES = List.of(
            "io.netty", "com.zaxxer.hikari", "org.tinyradius",
            "org.mariadb.jdbc", "org.postgresql", "org.sqlite");

    private static final Logger log = LoggerFactory.getLogger(Logging.class);

    private final ch.qos.logback.classic.Logger root;
    private LogLevel configured = LogLevel.INFO;
    private boolean debug;

    private Logging(ch.qos.logback.classic.Logger root, boolean debug) {
        this.root = root;
        this.debug = debug;
    }

    /**
     * Replaces whatever Logback configured by itself with the set-up for {@code mode}.
     *
     * @param program the syslog ident
     * @param debug whether to start at DEBUG ({@code --debug})
     */
    public static Logging start(RunMode mode, String program, boolean debug) {
        LoggerContext context = loggerContext();
        context.reset();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        for (String library : QUIET_LIBRARIES) {
            context.getLogger(library).setLevel(Level.WARN);
        }
        String missingSyslog = null;
        Appender<ILoggingEvent> appender;
        switch (mode) {
            case FOREGROUND:
                appender = console(context, "System.out", false);
                break;
            case SYSTEMD:
                appender = console(context, "System.err", true);
                break;
            default:
                String socket = System.getProperty(SYSLOG_SOCKET_PROPERTY, DEFAULT_SYSLOG_SOCKET);
                appender = Files.exists(Path.of(socket)) ? syslog(context, socket, program) : null;
                if (appender == null) {
                    missingSyslog = socket;
                    appender = console(context, "System.err", false);
                }
        }
        root.addAppender(appender);
        Logging logging = new Logging(root, debug);
        logging.apply();
        if (missingSyslog != null) {
            log.warn("Syslog socket {} is not available; logging to standard error", missingSyslog);
        }
        return logging;
    }

    /** Applies the configuration's {@code log_level}; {@code --debug} or SIGUSR1 still win. */
    public synchronized void setConfiguredLevel(LogLevel level) {
        configured = level;
        apply();
    }

    public synchronized LogLevel configuredLevel() {
        return configured;
    }

    /**
     * SIGUSR1: switches to DEBUG, or back to the configured level when already at DEBUG. The
     * switch is logged at INFO while DEBUG is on, so the line is visible either way.
     */
    public synchronized void toggleDebug() {
        if (effectiveLevel() == Level.DEBUG) {
            log.info("Switched logging level to {}", configured);
            debug = false;
            apply();
        } else {
            debug = true;
            apply();
            log.info("Switched logging level to DEBUG");
        }
    }

    /** Flushes and closes the appenders; later log events are dropped. */
    public void stop() {
        root.detachAndStopAllAppenders();
    }

    private Level effectiveLevel() {
        return debug ? Level.DEBUG : configured.logbackLevel();
    }

    private void apply() {
        root.setLevel(effectiveLevel());
    }

    private static LoggerContext loggerContext() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext)) {
            throw new IllegalStateException("Logback is not the SLF4J provider: " + factory.getClass().getName());
        }
        return (LoggerContext) factory;
    }

    private static Appender<ILoggingEvent> console(LoggerContext context, String target, boolean syslogPriority) {
        LevelPrefixLayout layout = new LevelPrefixLayout();
        layout.setContext(context);
        layout.setSyslogPriority(syslogPriority);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("console");
        appender.setTarget(target);
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }

    // Null when the socket cannot be opened (e.g. no epoll), so the caller falls back to stderr.
    private static Appender<ILoggingEvent> syslog(LoggerContext context, String socket, String program) {
        DevLogAppender appender = new DevLogAppender(socket, program);
        appender.setContext(context);
        appender.setName("syslog");
        appender.start();
        return appender.isStarted() ? appender : null;
    }
}
