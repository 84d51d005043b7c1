package org.mediaproxy.relay.forwarding.kernel;

/** A conntrack netlink request the kernel refused; {@link #errno()} says why. */
public final class ConntrackException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    static final int ENOENT = 2;
    static final int EEXIST = 17;

    private final int errno;

    ConntrackException(String operation, int errno) {
        super(operation + " failed: " + Errno.describe(errno));
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
