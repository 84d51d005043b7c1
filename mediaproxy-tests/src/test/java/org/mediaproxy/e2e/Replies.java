package org.mediaproxy.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;

/** Reading the dispatcher's one-line answers to {@code update}. */
final class Replies {

    private Replies() {
    }

    /** The relay address for stream {@code index} of an {@code <ip> <port>...} answer. */
    static InetSocketAddress stream(String reply, int index) {
        String[] parts = reply.split(" ");
        assertTrue(parts.length > index + 1, "answer '" + reply + "' has no port for stream " + index);
        return new InetSocketAddress(parts[0], Integer.parseInt(parts[index + 1]));
    }

    static int port(String reply, int index) {
        return stream(reply, index).getPort();
    }
}
