package org.mediaproxy.common.daemon;

import ch.qos.logback.classic.Level;
import java.util.Locale;

/**
 * The log levels accepted by the original's {@code log_level} option (Python logging names),
 * with the Logback level each one maps to. Logback has no CRITICAL, so it maps to ERROR.
 */
public enum LogLevel {
    CRITICAL(Level.ERROR),
    ERROR(Level.ERROR),
    WARNING(Level.WARN),
    INFO(Level.INFO),
    DEBUG(Level.DEBUG);

    private final Level logbackLevel;

    LogLevel(Level logbackLevel) {
        this.logbackLevel = logbackLevel;
    }

    /**
     * Parses a level name case-insensitively; {@code WARN} and {@code FATAL} are accepted as
     * Python's logging module accepts them.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static LogLevel parse(String text) {
        String name = text.strip().toUpperCase(Locale.ROOT);
        switch (name) {
            case "WARN":
                return WARNING;
            case "FATAL":
                return CRITICAL;
            default:
                for (LogLevel level : values()) {
                    if (level.name().equals(name)) {
                        return level;
                    }
                }
                throw new IllegalArgumentException("expected one of CRITICAL, ERROR, WARNING, INFO, DEBUG");
        }
    }

    Level logbackLevel() {
        return logbackLevel;
    }
}
