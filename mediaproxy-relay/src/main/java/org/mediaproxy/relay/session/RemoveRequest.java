package org.mediaproxy.relay.session;

import java.util.List;
import java.util.Map;

/** A validated {@code remove} command; the session is found by either tag. */
record RemoveRequest(String callId, String fromTag, String toTag) {

    static RemoveRequest parse(Map<String, String> headers) throws InvalidCommandException {
        Headers.requirePresent("remove", headers, List.of("call_id", "from_tag"));
        return new RemoveRequest(headers.get("call_id"), headers.get("from_tag"), Headers.optional(headers, "to_tag"));
    }
}
