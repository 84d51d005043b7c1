package org.mediaproxy.dispatcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletableFuture;
import org.mediaproxy.common.json.PythonJson;
import org.mediaproxy.dispatcher.management.ManagementService;
import org.mediaproxy.dispatcher.session.RecordSink;
import org.mediaproxy.dispatcher.web.LiveView;

/**
 * What the web page and the metrics show of the running dispatcher: exactly what the management
 * commands {@code sessions} and {@code summary} answer, so the two views never disagree, plus the
 * accounting spool depth. Called on the dispatcher's event loop, like the management service.
 */
final class LiveDispatcherView implements LiveView {

    private final ManagementService management;
    private final RecordSink records;

    LiveDispatcherView(ManagementService management, RecordSink records) {
        this.management = management;
        this.records = records;
    }

    @Override
    public CompletableFuture<JsonNode> sessions() {
        return management.sessions().thenApply(PythonJson::parse);
    }

    @Override
    public CompletableFuture<JsonNode> summary() {
        return management.summary().thenApply(PythonJson::parse);
    }

    @Override
    public int spoolDepth() {
        return records.spoolDepth();
    }
}
