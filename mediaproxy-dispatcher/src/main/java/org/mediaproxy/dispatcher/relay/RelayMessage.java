package org.mediaproxy.dispatcher.relay;

/** One line received from a relay (dispatcher-relay-protocol.md §3, §6, §7). */
public sealed interface RelayMessage {

    /** Keep-alive; the dispatcher answers {@code pong}. */
    record Ping() implements RelayMessage {
    }

    /** Unsolicited notice that the relay dropped a session on its own; {@code record} is JSON. */
    record Expired(String record) implements RelayMessage {
    }

    /** The answer to the command with sequence number {@code seq}. */
    record Reply(long seq, String payload) implements RelayMessage {
    }

    /** Anything else; logged and ignored. */
    record Unparsable(String line) implements RelayMessage {
    }

    /** Classifies a line the way the original does: split at the first space. */
    static RelayMessage parse(String line) {
        int space = line.indexOf(' ');
        String first = space < 0 ? line : line.substring(0, space);
        String rest = space < 0 ? "" : line.substring(space + 1);
        if (first.equals("ping")) {
            return new Ping();
        }
        if (first.equals("expired")) {
            return new Expired(rest);
        }
        if (first.isEmpty() || first.length() > 18 || !first.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return new Unparsable(line);
        }
        return new Reply(Long.parseLong(first), rest);
    }
}
