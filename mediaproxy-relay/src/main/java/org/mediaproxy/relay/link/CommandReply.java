package org.mediaproxy.relay.link;

/** The answer to one command: {@code <seq> <payload>}, the payload being a single line. */
public record CommandReply(String seq, String payload) implements RelayMessage {
}
