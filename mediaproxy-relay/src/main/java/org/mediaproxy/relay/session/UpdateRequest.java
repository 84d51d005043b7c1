package org.mediaproxy.relay.session;

import java.util.List;
import java.util.Map;

/** A validated {@code update} command: one SIP message carrying (or lacking) SDP for a call. */
record UpdateRequest(String callId, String fromTag, String toTag, String fromUri, String toUri, long cseq,
        String userAgent, boolean request, List<MediaLine> media, SignalingIp signaling) {

    private static final List<String> REQUIRED = List.of(
            "call_id", "from_tag", "from_uri", "to_uri", "cseq", "user_agent", "type", "signaling_ip");

    static UpdateRequest parse(Map<String, String> headers) throws InvalidCommandException {
        Headers.requirePresent("update", headers, REQUIRED);
        String type = headers.get("type");
        if (!type.equals("request") && !type.equals("reply")) {
            throw new InvalidCommandException("update with type '" + type + "' (expected request or reply)");
        }
        long cseq;
        try {
            cseq = Long.parseLong(headers.get("cseq"));
        } catch (NumberFormatException e) {
            throw new InvalidCommandException("update with cseq '" + headers.get("cseq") + "' (not an integer)");
        }
        String media = headers.get("media");
        return new UpdateRequest(headers.get("call_id"), headers.get("from_tag"), Headers.optional(headers, "to_tag"),
                headers.get("from_uri"), headers.get("to_uri"), cseq, headers.get("user_agent"),
                type.equals("request"), media == null ? List.of() : MediaLine.parseList(media),
                SignalingIp.parse(headers.get("signaling_ip")));
    }
}
