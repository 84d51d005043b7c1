package org.mediaproxy.relay.link;

/** What a dispatcher sends to a relay, as decoded by {@link DispatcherMessageDecoder}. */
public sealed interface DispatcherMessage permits DispatcherCommand, UnknownCommand, Pong {
}
