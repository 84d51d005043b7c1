package org.mediaproxy.common.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The original's log levels, most severe first. */
public enum LogLevel {
    CRITICAL, ERROR, WARNING, INFO, DEBUG;

    /**
     * Parses a level name, ignoring case.
     *
     * @throws IllegalArgumentException naming the accepted levels
     */
    public static LogLevel parse(String value) {
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected one of " + Arrays.stream(values())
                    .map(Enum::name).collect(Collectors.joining(", ")), e);
        }
    }
}
