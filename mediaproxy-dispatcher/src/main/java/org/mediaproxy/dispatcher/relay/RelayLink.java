package org.mediaproxy.dispatcher.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher's side of one relay connection (dispatcher-relay-protocol.md §2-§8): numbers
 * commands, matches answers to them, applies {@code relay_timeout}, answers keep-alives, and tracks
 * whether the relay may receive new sessions. Plain Java: the connection is reached through
 * {@link Transport}; every method runs on the dispatcher's event loop.
 */
public final class RelayLink {

    private static final Logger log = LoggerFactory.getLogger(RelayLink.class);

    /** How a link reaches its connection. */
    public interface Transport {
        void write(String text);

        void close();
    }

    private record Pending(RelayCommand command, CompletableFuture<String> answer, ScheduledFuture<?> timer) {
    }

    private final String ip;
    private final Transport transport;
    private final ScheduledExecutorService scheduler;
    private final Duration relayTimeout;
    private final Duration recoverInterval;
    private final RelayEvents events;
    private final Map<Long, Pending> pending = new LinkedHashMap<>();
    private long nextSeq;
    private boolean halting;
    private boolean timedOut;
    private boolean unresponsive;
    private boolean closed;
    private ScheduledFuture<?> recoverTimer;
    private RelayLoad load = RelayLoad.IDLE;

    public RelayLink(String ip, Transport transport, ScheduledExecutorService scheduler, Duration relayTimeout,
            Duration recoverInterval, RelayEvents events) {
        this.ip = ip;
        this.transport = transport;
        this.scheduler = scheduler;
        this.relayTimeout = relayTimeout;
        this.recoverInterval = recoverInterval;
        this.events = events;
    }

    /** The relay's identity: the source IP address of its connection. */
    public String ip() {
        return ip;
    }

    /**
     * Sends a command. The future completes with the answer text, or fails with a
     * {@link RelayFailure} on {@code error}, {@code halting}, {@code relay_timeout} or disconnection.
     */
    public CompletableFuture<String> send(RelayCommand command) {
        if (closed) {
            return CompletableFuture.failedFuture(new RelayFailure(RelayFailure.Kind.DISCONNECTED, "relay " + ip + " disconnected"));
        }
        long seq = nextSeq++;
        CompletableFuture<String> answer = new CompletableFuture<>();
        ScheduledFuture<?> timer = scheduler.schedule(() -> timedOut(seq), relayTimeout.toNanos(), TimeUnit.NANOSECONDS);
        pending.put(seq, new Pending(command, answer, timer));
        transport.write(command.format(seq));
        return answer;
    }

    /** Handles one line from the relay. */
    public void received(RelayMessage message) {
        if (message instanceof RelayMessage.Ping) {
            transport.write("pong\r\n");
            recovered();
        } else if (message instanceof RelayMessage.Expired expired) {
            events.expired(this, expired.record());
        } else if (message instanceof RelayMessage.Reply reply) {
            answered(reply);
        } else if (message instanceof RelayMessage.Unparsable garbage) {
            log.warn("ignoring unparsable line from relay {}: '{}'", ip, abbreviate(garbage.line()));
        }
    }

    private void answered(RelayMessage.Reply reply) {
        Pending command = pending.remove(reply.seq());
        if (command == null) {
            log.warn("unexpected response from relay {} for command {}: '{}'", ip, reply.seq(), abbreviate(reply.payload()));
            return;
        }
        command.timer().cancel(false);
        unresponsive = false;
        String payload = reply.payload();
        switch (payload) {
            case "error" -> command.answer().completeExceptionally(
                    new RelayFailure(RelayFailure.Kind.ERROR, "relay " + ip + " answered error to " + command.command().name()));
            case "halting" -> {
                if (!halting) {
                    log.info("relay {} is halting: no new sessions will be given to it", ip);
                }
                halting = true;
                command.answer().completeExceptionally(new RelayFailure(RelayFailure.Kind.HALTING, "relay " + ip + " is halting"));
            }
            case "" -> command.answer().completeExceptionally(
                    new RelayFailure(RelayFailure.Kind.ERROR, "relay " + ip + " sent an empty answer to " + command.command().name()));
            default -> command.answer().complete(payload);
        }
    }

    private void timedOut(long seq) {
        Pending command = pending.remove(seq);
        if (command == null) {
            return;
        }
        command.answer().completeExceptionally(new RelayFailure(RelayFailure.Kind.TIMEOUT,
                "relay " + ip + " did not answer " + command.command().name() + " within " + relayTimeout.toMillis() + " ms"));
        if (!timedOut && !closed) {
            timedOut = true;
            log.warn("relay {} timed out; disconnecting it unless it pings within {} s", ip, recoverInterval.toSeconds());
            recoverTimer = scheduler.schedule(() -> {
                log.warn("relay {} did not recover from its timeout, closing the connection", ip);
                close();
            }, recoverInterval.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void recovered() {
        unresponsive = false;
        if (timedOut) {
            timedOut = false;
            if (recoverTimer != null) {
                recoverTimer.cancel(false);
                recoverTimer = null;
            }
            log.info("relay {} recovered from its timeout", ip);
        }
    }

    /**
     * The dispatcher gave up waiting for this relay to serve an OpenSIPS request in time: until it
     * shows life again (any answer or ping) it gets no new sessions.
     */
    public void markUnresponsive() {
        unresponsive = true;
    }

    /** Closes the connection; {@link #disconnected()} follows. */
    public void close() {
        transport.close();
    }

    /** The connection is gone: fails every pending command, then tells the dispatcher. */
    public void disconnected() {
        if (closed) {
            return;
        }
        closed = true;
        if (recoverTimer != null) {
            recoverTimer.cancel(false);
        }
        List<Pending> failed = new ArrayList<>(pending.values());
        pending.clear();
        for (Pending command : failed) {
            command.timer().cancel(false);
            command.answer().completeExceptionally(new RelayFailure(RelayFailure.Kind.DISCONNECTED, "relay " + ip + " disconnected"));
        }
        events.disconnected(this);
    }

    /** Whether new sessions may be placed here: connected, not halting, not timed out, responsive. */
    public boolean acceptsNewSessions() {
        return !closed && !halting && !timedOut && !unresponsive;
    }

    public boolean isHalting() {
        return halting;
    }

    public boolean isTimedOut() {
        return timedOut;
    }

    public RelayLoad load() {
        return load;
    }

    /** Replaces the estimate with counts the relay itself reported. */
    public void reportedLoad(RelayLoad reported) {
        load = reported;
    }

    /** Adjusts the estimate for a session this dispatcher placed on (+1) or ended on (-1) the relay. */
    public void sessionsChanged(int delta) {
        load = load.plusSessions(delta);
    }

    static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    @Override
    public String toString() {
        return "relay " + ip;
    }
}
