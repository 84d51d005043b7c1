package org.mediaproxy.relay.link;

/** Unsolicited report of a session the relay ended on its own: {@code expired <session record JSON>}. */
public record ExpiredNotice(String recordJson) implements RelayMessage {
}
