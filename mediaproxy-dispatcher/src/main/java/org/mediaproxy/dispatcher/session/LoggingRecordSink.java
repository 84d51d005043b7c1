package org.mediaproxy.dispatcher.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mediaproxy.common.json.PythonJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes each record to the log, for deployments without accounting backends. */
public final class LoggingRecordSink implements RecordSink {

    private static final Logger log = LoggerFactory.getLogger(LoggingRecordSink.class);

    @Override
    public void submit(ObjectNode record) {
        log.info("statistics: {}", PythonJson.write(record));
    }
}
