package org.mediaproxy.relay.link;

/** A command line whose name the relay does not know; it is answered {@code <seq> error} at once. */
public record UnknownCommand(String name, String seq) implements DispatcherMessage {
}
