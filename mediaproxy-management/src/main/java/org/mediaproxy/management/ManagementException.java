package org.mediaproxy.management;

/** A failure talking to the dispatcher, with a message meant for the operator's terminal. */
public final class ManagementException extends Exception {
    ManagementException(String message) {
        super(message);
    }
}
