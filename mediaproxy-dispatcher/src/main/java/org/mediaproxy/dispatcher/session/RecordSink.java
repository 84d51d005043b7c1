package org.mediaproxy.dispatcher.session;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Where finished session records go (accounting). Must not block: called on the event loop. */
@FunctionalInterface
public interface RecordSink {

    void submit(ObjectNode record);

    /**
     * Records waiting on disk for a backend to come back, for the metrics. Must not block. A sink
     * without a spool has none waiting.
     */
    default int spoolDepth() {
        return 0;
    }
}
