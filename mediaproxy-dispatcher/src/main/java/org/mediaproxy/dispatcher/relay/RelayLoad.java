package org.mediaproxy.dispatcher.relay;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Comparator;

/**
 * How busy a relay is, as far as the dispatcher knows: the counts the relay last reported (in a
 * {@code sessions} or {@code summary} answer) plus the sessions this dispatcher created or ended
 * on it since then. Relays serve several dispatchers, so only their own reports see everything.
 */
public record RelayLoad(int sessions, int streams) {

    public static final RelayLoad IDLE = new RelayLoad(0, 0);

    /** Fewer sessions first; streams break ties. */
    public static final Comparator<RelayLoad> LIGHTEST_FIRST =
            Comparator.comparingInt(RelayLoad::sessions).thenComparingInt(RelayLoad::streams);

    public RelayLoad plusSessions(int delta) {
        return new RelayLoad(Math.max(0, sessions + delta), streams);
    }

    /** From a {@code summary} answer: {@code session_count} and the sum of {@code stream_count}. */
    public static RelayLoad fromSummary(JsonNode summary) {
        int streams = 0;
        for (JsonNode count : summary.path("stream_count")) {
            streams += count.asInt(0);
        }
        return new RelayLoad(summary.path("session_count").asInt(0), streams);
    }

    /** From a {@code sessions} answer: the records, and their streams that still carry media. */
    public static RelayLoad fromSessions(JsonNode records) {
        int streams = 0;
        for (JsonNode record : records) {
            for (JsonNode stream : record.path("streams")) {
                String status = stream.path("status").asText();
                if (status.equals("active") || status.equals("on hold")) {
                    streams++;
                }
            }
        }
        return new RelayLoad(records.size(), streams);
    }
}
