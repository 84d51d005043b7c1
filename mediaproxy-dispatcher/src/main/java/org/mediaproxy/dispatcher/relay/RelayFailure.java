package org.mediaproxy.dispatcher.relay;

/** Why a relay command produced no usable answer. */
public final class RelayFailure extends Exception {

    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** The relay answered {@code error}. */
        ERROR,
        /** The relay is shutting down and takes no new sessions. */
        HALTING,
        /** No answer within {@code relay_timeout}. */
        TIMEOUT,
        /** The connection went away before the answer. */
        DISCONNECTED,
        /** The dispatcher stopped waiting because the OpenSIPS reply budget ran out. */
        ABANDONED
    }

    private final Kind kind;

    public RelayFailure(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
