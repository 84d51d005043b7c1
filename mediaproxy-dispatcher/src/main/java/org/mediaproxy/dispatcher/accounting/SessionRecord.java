package org.mediaproxy.dispatcher.accounting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.mediaproxy.common.json.PythonJson;

/**
 * An ended session as the accounting backends see it: the relay's session record with the
 * dispatcher's keys appended, in its exact JSON text (what goes into the database's info column
 * and into the spool) plus typed accessors for the values RADIUS needs.
 *
 * <p>Immutable: everything is read out of the JSON tree when the record is made, so the
 * accounting threads never share a mutable Jackson node with the event loop that produced it.
 * Only {@code call_id} and {@code from_tag} are required; other keys fall back to what the relay
 * would have written for an empty session, so that a record from a slightly different relay
 * version is still accounted.
 */
public final class SessionRecord {

    private final String json;
    private final String callId;
    private final String fromTag;
    private final String toTag;
    private final String username;
    private final Double startTime;
    private final long duration;
    private final String callerUa;
    private final String calleeUa;
    private final boolean timedOut;
    private final boolean allStreamsIce;
    private final List<Stream> streams;

    /** One media stream of the session (session-record.md §2), the fields accounting uses. */
    public record Stream(String mediaType, String callerCodec, double startTime, double endTime,
                         Double postDialDelay, long callerBytes, long calleeBytes, String callerLocal) {
    }

    private SessionRecord(JsonNode node, String json) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("a session record must be a JSON object");
        }
        this.json = json;
        this.callId = requiredText(node, "call_id");
        this.fromTag = requiredText(node, "from_tag");
        this.toTag = text(node, "to_tag", null);
        this.username = text(node, "username", null);
        JsonNode start = node.get("start_time");
        this.startTime = start != null && start.isNumber() ? start.doubleValue() : null;
        this.duration = node.path("duration").asLong(0);
        this.callerUa = text(node, "caller_ua", "Unknown");
        this.calleeUa = text(node, "callee_ua", "Unknown");
        this.timedOut = node.path("timed_out").asBoolean(false);
        this.allStreamsIce = node.path("all_streams_ice").asBoolean(false);
        this.streams = streams(node.get("streams"));
    }

    /** Wraps a record produced in this process; its JSON text is written Python-style. */
    public static SessionRecord of(ObjectNode node) {
        return new SessionRecord(node, PythonJson.write(node));
    }

    /** Reads a record back from its JSON text (the spool), keeping that text byte for byte. */
    public static SessionRecord parse(String json) {
        return new SessionRecord(PythonJson.parse(json), json);
    }

    public String json() {
        return json;
    }

    public String callId() {
        return callId;
    }

    public String fromTag() {
        return fromTag;
    }

    /** The To-tag, or null when the callee never sent one. */
    public String toTag() {
        return toTag;
    }

    /** The SIP user the session was created for, or null. */
    public String username() {
        return username;
    }

    /** Seconds since the epoch of the first SDP answer, or null for a never-answered session. */
    public Double startTime() {
        return startTime;
    }

    public long duration() {
        return duration;
    }

    public String callerUa() {
        return callerUa;
    }

    public String calleeUa() {
        return calleeUa;
    }

    public boolean timedOut() {
        return timedOut;
    }

    public boolean allStreamsIce() {
        return allStreamsIce;
    }

    public List<Stream> streams() {
        return streams;
    }

    @Override
    public String toString() {
        return "session " + callId + " (from_tag " + fromTag + ", to_tag " + toTag + ")";
    }

    private static List<Stream> streams(JsonNode array) {
        if (array == null || array.isNull()) {
            return List.of();
        }
        if (!array.isArray()) {
            throw new IllegalArgumentException("streams is not a JSON array");
        }
        List<Stream> result = new ArrayList<>(array.size());
        for (JsonNode stream : array) {
            if (!stream.isObject()) {
                throw new IllegalArgumentException("a stream entry is not a JSON object");
            }
            JsonNode pdd = stream.get("post_dial_delay");
            result.add(new Stream(
                    text(stream, "media_type", "unknown"),
                    text(stream, "caller_codec", "Unknown"),
                    stream.path("start_time").asDouble(0),
                    stream.path("end_time").asDouble(0),
                    pdd != null && pdd.isNumber() ? pdd.doubleValue() : null,
                    stream.path("caller_bytes").asLong(0),
                    stream.path("callee_bytes").asLong(0),
                    text(stream, "caller_local", null)));
        }
        return List.copyOf(result);
    }

    private static String requiredText(JsonNode node, String key) {
        JsonNode value = node.get(key);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("session record without a " + key + " string");
        }
        return value.textValue();
    }

    private static String text(JsonNode node, String key, String fallback) {
        JsonNode value = node.get(key);
        return value != null && value.isTextual() ? value.textValue() : fallback;
    }
}
