package org.mediaproxy.dispatcher.session;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Where finished session records go (accounting). Must not block: called on the event loop. */
@FunctionalInterface
public interface RecordSink {

    void submit(ObjectNode record);
}
