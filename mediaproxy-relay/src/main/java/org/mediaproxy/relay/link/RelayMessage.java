package org.mediaproxy.relay.link;

/** What a relay sends to a dispatcher, written by {@link RelayMessageEncoder}. */
public sealed interface RelayMessage permits CommandReply, ExpiredNotice, Ping {
}
