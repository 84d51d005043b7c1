package org.mediaproxy.relay.session;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The {@code signaling_ip} header in its three forms: a JSON object with optional keys
 * {@code signaling_ip}, {@code destination_ip}, {@code username}; {@code callerIp_destinationIp};
 * or a plain caller IP. Values stay text: they only matter for {@code auto_detect_interfaces}
 * (parsed there) and the record's {@code username}.
 */
record SignalingIp(String callerIp, String destinationIp, String username) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    static SignalingIp parse(String value) throws InvalidCommandException {
        JsonNode json = readJson(value);
        if (json != null) {
            if (!json.isObject()) {
                throw new InvalidCommandException("signaling_ip is JSON but not an object: " + value);
            }
            return new SignalingIp(text(json.get("signaling_ip")), text(json.get("destination_ip")),
                    text(json.get("username")));
        }
        String[] parts = value.split("_", -1);
        if (parts.length == 2) {
            return new SignalingIp(parts[0], parts[1], null);
        }
        return new SignalingIp(value, null, null);
    }

    private static JsonNode readJson(String value) {
        try {
            return JSON.readTree(value);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String text(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        return node.isTextual() ? node.textValue() : node.toString();
    }
}
