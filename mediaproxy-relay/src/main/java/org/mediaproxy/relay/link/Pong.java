package org.mediaproxy.relay.link;

/** The dispatcher's answer to a keepalive {@link Ping}. */
public enum Pong implements DispatcherMessage {
    INSTANCE
}
