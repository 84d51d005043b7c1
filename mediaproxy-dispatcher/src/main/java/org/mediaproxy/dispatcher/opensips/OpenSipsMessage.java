package org.mediaproxy.dispatcher.opensips;

/** One complete request read from an OpenSIPS connection: either well formed or not. */
public sealed interface OpenSipsMessage permits OpenSipsRequest, MalformedRequest {
}
