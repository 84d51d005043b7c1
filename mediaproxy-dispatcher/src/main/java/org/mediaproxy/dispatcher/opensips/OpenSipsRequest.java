package org.mediaproxy.dispatcher.opensips;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * An {@code update} or {@code remove} request from the OpenSIPS {@code mediaproxy} module.
 *
 * @param command     {@code update} or {@code remove}
 * @param headerLines the header lines exactly as received, minus the empty-valued ones; they are
 *                    forwarded to the relay byte for byte
 * @param headers     the same headers by name (the last occurrence of a repeated name wins)
 */
public record OpenSipsRequest(Command command, List<String> headerLines, Map<String, String> headers)
        implements OpenSipsMessage {

    public enum Command {
        UPDATE("update"), REMOVE("remove");

        private final String wireName;

        Command(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    public OpenSipsRequest {
        headerLines = List.copyOf(headerLines);
        headers = Map.copyOf(headers);
        if (!headers.containsKey("call_id")) {
            throw new IllegalArgumentException("request without call_id");
        }
    }

    public String callId() {
        return headers.get("call_id");
    }

    /** The OpenSIPS dialog id (decimal text), or null in script mode where the module sends none. */
    public String dialogId() {
        return headers.get("dialog_id");
    }

    /** The IP address of the relay the script asked for, or null. */
    public String mediaRelay() {
        return headers.get("media_relay");
    }

    /**
     * The original's short session identifier for log lines: base64 of the MD5 of the Call-ID
     * without padding, so that logs of both implementations can be correlated.
     */
    public String sessionId() {
        return sessionIdOf(callId());
    }

    public static String sessionIdOf(String callId) {
        try {
            byte[] digest = MessageDigest.getInstance("MD5").digest(callId.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is a mandatory JDK algorithm", e);
        }
    }
}
