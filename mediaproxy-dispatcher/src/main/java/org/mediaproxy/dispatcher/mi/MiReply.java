package org.mediaproxy.dispatcher.mi;

import com.fasterxml.jackson.databind.JsonNode;
import org.mediaproxy.common.json.PythonJson;

/** A datagram received from OpenSIPS's {@code mi_datagram} socket. */
sealed interface MiReply {

    /** JSON-RPC success. */
    record Result(String id) implements MiReply {
    }

    /** JSON-RPC error object. */
    record Failure(String id, int code, String message) implements MiReply {
    }

    /** Pre-JSON-RPC style {@code <code> <message>} text, which carries no request id. */
    record Plain(int code, String message) implements MiReply {
    }

    /** Anything else. */
    record Unparsable(String text) implements MiReply {
    }

    static MiReply parse(String text) {
        String trimmed = text.strip();
        if (trimmed.startsWith("{")) {
            try {
                JsonNode reply = PythonJson.parse(trimmed);
                String id = reply.path("id").asText(null);
                JsonNode error = reply.get("error");
                if (error != null && !error.isNull()) {
                    return new Failure(id, error.path("code").asInt(0), error.path("message").asText(""));
                }
                if (reply.has("result")) {
                    return new Result(id);
                }
            } catch (IllegalArgumentException e) {
                return new Unparsable(text);
            }
            return new Unparsable(text);
        }
        int space = trimmed.indexOf(' ');
        String code = space < 0 ? trimmed : trimmed.substring(0, space);
        if (code.length() == 3 && code.chars().allMatch(Character::isDigit)) {
            return new Plain(Integer.parseInt(code), space < 0 ? "" : trimmed.substring(space + 1));
        }
        return new Unparsable(text);
    }
}
