package org.mediaproxy.common.tls;

import static org.junit.jupiter.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/** Collects the log lines of one logger (and its children) while a test runs. */
final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    LogCapture(String loggerName) {
        logger = (Logger) LoggerFactory.getLogger(loggerName);
        appender.start();
        logger.addAppender(appender);
    }

    /** Formatted lines at WARN or above. */
    List<ILoggingEvent> warnings() {
        // AppenderBase appends under the appender's lock; copy under it too (event-loop threads log).
        synchronized (appender) {
            return appender.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).toList();
        }
    }

    List<String> warningLines() {
        return warnings().stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** Waits for a WARN line satisfying {@code wanted} and returns it. */
    String awaitWarning(Predicate<String> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : warningLines()) {
                if (wanted.test(line)) {
                    return line;
                }
            }
            Thread.sleep(20);
        }
        return fail("no such warning within " + timeout + "; got " + warningLines());
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
    }
}
