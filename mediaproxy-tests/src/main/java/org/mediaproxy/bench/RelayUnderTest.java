package org.mediaproxy.bench;

import java.io.IOException;
import java.net.InetSocketAddress;

/** One relay the bench measures: a separate process whose CPU time is read from /proc. */
interface RelayUnderTest extends AutoCloseable {

    /** Short label for the result table. */
    String name();

    /** The process whose CPU time counts as the relay's cost. */
    long pid();

    /** Sets up one call's audio stream between the two endpoints and says where each must send. */
    StreamRoute open(int stream, InetSocketAddress caller, InetSocketAddress callee) throws IOException;

    /** Throws if the relay process died; call after a run so a crash is never reported as a figure. */
    void checkAlive();

    @Override
    void close() throws IOException, InterruptedException;
}
