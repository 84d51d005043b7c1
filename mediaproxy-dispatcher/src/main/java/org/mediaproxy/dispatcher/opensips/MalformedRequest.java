package org.mediaproxy.dispatcher.opensips;

/**
 * A request that was framed correctly (it ended with an empty line) but cannot be served; OpenSIPS
 * gets {@code error} for it and the connection stays usable.
 */
public record MalformedRequest(String reason) implements OpenSipsMessage {
}
