package org.mediaproxy.relay.session;

/** A command the relay refuses; the message says why and becomes the one log line about it. */
final class InvalidCommandException extends Exception {

    private static final long serialVersionUID = 1L;

    InvalidCommandException(String message) {
        super(message);
    }
}
