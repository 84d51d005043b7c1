package org.mediaproxy.common.daemon;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes log events to the local syslog socket the way glibc's {@code syslog(3)} does: RFC 3164
 * datagrams {@code <PRI>Mmm dd hh:mm:ss ident[pid]: message} on an AF_UNIX socket (normally
 * {@code /dev/log}), facility daemon. Logback's own SyslogAppender only speaks UDP, which a
 * default rsyslog or journald does not listen on. Each line of a multi-line event is its own
 * datagram, so syslog shows stack traces readably.
 */
final class DevLogAppender extends AppenderBase<ILoggingEvent> {

    private static final int FACILITY_DAEMON = 3;
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH);

    private final String socketPath;
    private final String ident;
    private final long pid = ProcessHandle.current().pid();
    private final ZoneId zone = ZoneId.systemDefault();
    private final AtomicBoolean failureReported = new AtomicBoolean();
    private UnixDatagramSender sender;

    DevLogAppender(String socketPath, String ident) {
        this.socketPath = socketPath;
        this.ident = ident;
    }

    @Override
    public void start() {
        try {
            sender = new UnixDatagramSender("syslog");
            super.start();
        } catch (IOException | RuntimeException | LinkageError e) {
            addError("cannot open a socket for " + socketPath, e);
        }
    }

    @Override
    protected void append(ILoggingEvent event) {
        int priority = FACILITY_DAEMON * 8 + LevelPrefixLayout.severity(event.getLevel());
        String header = "<" + priority + ">"
                + TIMESTAMP.format(Instant.ofEpochMilli(event.getTimeStamp()).atZone(zone))
                + " " + ident + "[" + pid + "]: ";
        for (String line : LevelPrefixLayout.lines(event)) {
            sender.send(socketPath, (header + line).getBytes(StandardCharsets.UTF_8))
                    .addListener(sent -> {
                        // Report once: a dead syslog would otherwise flood Logback's status list.
                        if (!sent.isSuccess() && failureReported.compareAndSet(false, true)) {
                            addWarn("cannot send to " + socketPath + ": " + sent.cause());
                        }
                    });
        }
    }

    @Override
    public void stop() {
        super.stop();
        if (sender != null) {
            sender.close();
        }
    }
}
