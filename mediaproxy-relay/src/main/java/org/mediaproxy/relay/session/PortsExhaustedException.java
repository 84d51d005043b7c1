package org.mediaproxy.relay.session;

/** No port pair could be allocated for a new stream. */
final class PortsExhaustedException extends Exception {

    private static final long serialVersionUID = 1L;

    PortsExhaustedException(String message) {
        super(message);
    }
}
