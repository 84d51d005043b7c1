package org.mediaproxy.relay.link;

/** Keepalive sent by the relay every {@code keepalive_interval}; the dispatcher answers {@link Pong}. */
public enum Ping implements RelayMessage {
    INSTANCE
}
