package org.mediaproxy.dispatcher.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mediaproxy.common.json.PythonJson;

/**
 * The dispatcher's additions to a relay's session record before accounting (session-record.md
 * §3). Keys are appended in the exact order the original writes them.
 */
public final class SessionRecords {

    private SessionRecords() {
    }

    /** A record answered to {@code remove}: adds {@code dialog_id}, {@code timed_out: false}. */
    public static ObjectNode removed(ObjectNode record, String dialogId) {
        ObjectNode enriched = record.deepCopy();
        append(enriched, "dialog_id", dialogId);
        enriched.remove("timed_out");
        enriched.put("timed_out", false);
        return enriched;
    }

    /**
     * A record from an {@code expired} notice: adds {@code timed_out} (true unless every stream was
     * an unselected ICE candidate), {@code dialog_id}, {@code all_streams_ice}.
     */
    public static ObjectNode expired(ObjectNode record, String dialogId) {
        boolean allStreamsIce = allStreamsIce(record);
        ObjectNode enriched = record.deepCopy();
        enriched.remove("timed_out");
        enriched.put("timed_out", !allStreamsIce);
        append(enriched, "dialog_id", dialogId);
        enriched.remove("all_streams_ice");
        enriched.put("all_streams_ice", allStreamsIce);
        return enriched;
    }

    /**
     * True when every stream ended as an unselected ICE candidate, which the original also
     * concludes for a session without streams (never answered).
     */
    public static boolean allStreamsIce(ObjectNode record) {
        JsonNode streams = record.path("streams");
        for (JsonNode stream : streams) {
            if (!"unselected ICE candidate".equals(stream.path("status").asText())) {
                return false;
            }
        }
        return true;
    }

    /** Sessions that were never answered have no start time and produce no accounting. */
    public static boolean wasAnswered(ObjectNode record) {
        JsonNode start = record.get("start_time");
        return start != null && !start.isNull();
    }

    /** Parses a record sent by a relay; null when it is not a JSON object. */
    public static ObjectNode parse(String json) {
        try {
            JsonNode node = PythonJson.parse(json);
            return node instanceof ObjectNode object ? object : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void append(ObjectNode record, String key, String value) {
        record.remove(key);
        if (value == null) {
            record.putNull(key);
        } else {
            record.put(key, value);
        }
    }
}
