package org.mediaproxy.relay.forwarding.kernel;

/** Turns errno values into the text operators know from the C tools. */
final class Errno {

    private Errno() {
    }

    static String describe(int errno) {
        return LibC.INSTANCE.strerror(errno) + " (errno " + errno + ")";
    }
}
