package org.mediaproxy.common.daemon;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Syslog datagrams, in process, against a real AF_UNIX socket. */
class DevLogAppenderTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String HEADER = "[A-Z][a-z]{2} [ 1-3][0-9] \\d\\d:\\d\\d:\\d\\d relay-ident\\["
            + ProcessHandle.current().pid() + "\\]: ";

    @TempDir
    Path dir;

    @Test
    void eachLineIsAnRfc3164DatagramWithDaemonFacility() throws Exception {
        String socket = dir.resolve("log").toString();
        LoggerContext context = new LoggerContext();
        DevLogAppender appender = new DevLogAppender(socket, "relay-ident");
        appender.setContext(context);
        try (DatagramSink syslog = new DatagramSink(socket)) {
            appender.start();
            Logger logger = context.getLogger("test");
            logger.addAppender(appender);

            logger.warn("port range nearly exhausted");
            logger.error("conntrack failed\nsecond line", new IllegalStateException("netlink closed"));

            assertMatches("<28>" + HEADER + "WARNING port range nearly exhausted", syslog.await(d -> true, WAIT));
            assertMatches("<27>" + HEADER + "ERROR   conntrack failed", syslog.await(d -> true, WAIT));
            assertMatches("<27>" + HEADER + " {8}second line", syslog.await(d -> true, WAIT));
            assertMatches("<27>" + HEADER + " {8}java.lang.IllegalStateException: netlink closed",
                    syslog.await(d -> true, WAIT));
            assertMatches("<27>" + HEADER + " {8}\tat org\\.mediaproxy\\..*", syslog.await(d -> true, WAIT));
        } finally {
            appender.stop();
        }
    }

    private static void assertMatches(String regex, String datagram) {
        assertTrue(Pattern.matches(regex, datagram), () -> "'" + datagram + "' does not match " + regex);
    }
}
