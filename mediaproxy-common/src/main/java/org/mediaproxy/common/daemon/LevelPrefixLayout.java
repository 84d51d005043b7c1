package org.mediaproxy.common.daemon;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import java.util.ArrayList;
import java.util.List;

/**
 * The original's log line: the Python level name left-aligned in 8 columns, then the message.
 * Further lines of a message (and stack traces) are indented by 8 columns. With
 * {@link #setSyslogPriority} every line starts with a {@code <N>} syslog severity, which journald
 * reads from a service's stderr to set the entry's priority (and strips).
 *
 * <p>Public so that {@code logback.xml} can name it.
 */
public final class LevelPrefixLayout extends LayoutBase<ILoggingEvent> {

    private static final String INDENT = " ".repeat(8);

    private boolean syslogPriority;

    /** Prefix each line with {@code <severity>} for journald. */
    public void setSyslogPriority(boolean syslogPriority) {
        this.syslogPriority = syslogPriority;
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        String priority = syslogPriority ? "<" + severity(event.getLevel()) + ">" : "";
        StringBuilder out = new StringBuilder(128);
        for (String line : lines(event)) {
            out.append(priority).append(line).append('\n');
        }
        return out.toString();
    }

    /** The event as display lines, the first one carrying the level name. */
    static List<String> lines(ILoggingEvent event) {
        StringBuilder text = new StringBuilder(String.valueOf(event.getFormattedMessage()));
        IThrowableProxy throwable = event.getThrowableProxy();
        if (throwable != null) {
            text.append('\n').append(ThrowableProxyUtil.asString(throwable));
        }
        String[] parts = text.toString().split("\\R");
        List<String> lines = new ArrayList<>(parts.length);
        lines.add(String.format("%-8s", levelName(event.getLevel())) + parts[0]);
        for (int i = 1; i < parts.length; i++) {
            lines.add(INDENT + parts[i]);
        }
        return lines;
    }

    /** Python's names, so operators see the same words as with the original. */
    static String levelName(Level level) {
        switch (level.toInt()) {
            case Level.ERROR_INT:
                return "ERROR";
            case Level.WARN_INT:
                return "WARNING";
            case Level.INFO_INT:
                return "INFO";
            case Level.DEBUG_INT:
                return "DEBUG";
            default:
                return level.toString();
        }
    }

    /** RFC 5424 severity: err, warning, info, debug. */
    static int severity(Level level) {
        switch (level.toInt()) {
            case Level.ERROR_INT:
                return 3;
            case Level.WARN_INT:
                return 4;
            case Level.INFO_INT:
                return 6;
            default:
                return 7;
        }
    }
}
