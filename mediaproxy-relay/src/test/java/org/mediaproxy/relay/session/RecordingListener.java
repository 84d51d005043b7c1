package org.mediaproxy.relay.session;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.mediaproxy.common.json.PythonJson;

/** Keeps what the session manager reported. */
public final class RecordingListener implements SessionListener {

    public record Expiry(String dispatcher, String json) {
        public JsonNode record() {
            return PythonJson.parse(json);
        }
    }

    private final List<Expiry> expired = new ArrayList<>();
    private int idle;

    @Override
    public synchronized void expired(String dispatcher, String recordJson) {
        expired.add(new Expiry(dispatcher, recordJson));
    }

    @Override
    public synchronized void idle() {
        idle++;
    }

    public synchronized List<Expiry> expired() {
        return List.copyOf(expired);
    }

    public synchronized int idleCalls() {
        return idle;
    }
}
