package org.mediaproxy.common.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;

class LogLevelTest {

    @Test
    void pythonNamesMapToLogbackLevels() {
        assertEquals(Level.ERROR, LogLevel.parse("CRITICAL").logbackLevel());
        assertEquals(Level.ERROR, LogLevel.parse("error").logbackLevel());
        assertEquals(Level.WARN, LogLevel.parse("Warning").logbackLevel());
        assertEquals(Level.INFO, LogLevel.parse(" info ").logbackLevel());
        assertEquals(Level.DEBUG, LogLevel.parse("DEBUG").logbackLevel());
    }

    @Test
    void pythonAliasesAreAccepted() {
        assertEquals(LogLevel.WARNING, LogLevel.parse("warn"));
        assertEquals(LogLevel.CRITICAL, LogLevel.parse("FATAL"));
    }

    @Test
    void unknownNameIsRejectedWithTheAcceptedValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LogLevel.parse("verbose"));
        assertEquals("expected one of CRITICAL, ERROR, WARNING, INFO, DEBUG", e.getMessage());
    }
}
