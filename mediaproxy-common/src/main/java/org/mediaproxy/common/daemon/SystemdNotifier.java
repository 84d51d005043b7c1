package org.mediaproxy.common.daemon;

import io.netty.channel.ChannelFuture;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sd_notify protocol without libsystemd: one datagram of {@code KEY=value} lines to the
 * AF_UNIX socket systemd names in {@code $NOTIFY_SOCKET} (a path, or {@code @name} for the
 * abstract namespace). Notifications are best effort: failures are logged, never thrown, so a
 * vanished socket cannot break start-up or shutdown.
 */
public final class SystemdNotifier implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SystemdNotifier.class);
    private static final long SEND_WAIT_MILLIS = 1000;

    private final String socketName;
    private final String address;
    private final UnixDatagramSender sender;

    /** @param notifySocket the value of {@code $NOTIFY_SOCKET} */
    public SystemdNotifier(String notifySocket) throws IOException {
        if (notifySocket.isEmpty() || notifySocket.equals("@")) {
            throw new IllegalArgumentException("empty NOTIFY_SOCKET");
        }
        socketName = notifySocket;
        address = notifySocket.startsWith("@") ? "\0" + notifySocket.substring(1) : notifySocket;
        sender = new UnixDatagramSender("sd-notify");
    }

    /**
     * A notifier for {@code $NOTIFY_SOCKET}, or empty when the variable is unset (not started by
     * systemd) or the socket cannot be opened (logged).
     */
    public static Optional<SystemdNotifier> fromEnvironment() {
        String socket = System.getenv("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            log.debug("NOTIFY_SOCKET is not set; no sd_notify messages will be sent");
            return Optional.empty();
        }
        try {
            return Optional.of(new SystemdNotifier(socket));
        } catch (IOException | RuntimeException e) {
            log.warn("Cannot use NOTIFY_SOCKET {}: {}", socket, e.getMessage());
            return Optional.empty();
        }
    }

    /** Start-up finished: {@code READY=1}, the status line and our PID. */
    public void ready(String status) {
        notify("READY=1\nSTATUS=" + oneLine(status) + "\nMAINPID=" + ProcessHandle.current().pid());
    }

    /** Free-form status shown by {@code systemctl status}. */
    public void status(String status) {
        notify("STATUS=" + oneLine(status));
    }

    /** Shutdown has begun. */
    public void stopping() {
        notify("STOPPING=1");
    }

    /**
     * Sends raw newline-separated assignments and waits briefly until the kernel took them, so a
     * notification sent just before exit is not lost. Never throws.
     */
    public void notify(String state) {
        try {
            ChannelFuture sent = sender.send(address, state.getBytes(StandardCharsets.UTF_8));
            if (!sent.awaitUninterruptibly(SEND_WAIT_MILLIS)) {
                log.warn("sd_notify to {} timed out", socketName);
            } else if (!sent.isSuccess()) {
                log.warn("sd_notify to {} failed: {}", socketName, reason(sent.cause()));
            }
        } catch (RuntimeException e) {
            log.warn("sd_notify to {} failed: {}", socketName, e.toString());
        }
    }

    @Override
    public void close() {
        sender.close();
    }

    // Netty reports a missing socket path as a FileNotFoundException without a message.
    private static String reason(Throwable failure) {
        if (failure instanceof FileNotFoundException) {
            return "no such socket";
        }
        return failure.getMessage() != null ? failure.getMessage() : failure.toString();
    }

    // A newline would start a new assignment in the datagram.
    private static String oneLine(String text) {
        return text.replace('\n', ' ');
    }
}
