package org.mediaproxy.relay.forwarding.kernel;

/** Kernel forwarding cannot work here; the message is the reason, worded for the operator's log. */
public final class KernelUnavailableException extends Exception {

    private static final long serialVersionUID = 1L;

    public KernelUnavailableException(String reason) {
        super(reason);
    }

    public KernelUnavailableException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
