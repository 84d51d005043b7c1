package org.mediaproxy.relay.session;

import java.util.List;
import java.util.Map;

/** Presence checks on command headers, reporting every missing one in a single message. */
final class Headers {

    private Headers() {
    }

    static void requirePresent(String command, Map<String, String> headers, List<String> names)
            throws InvalidCommandException {
        List<String> missing = names.stream().filter(name -> optional(headers, name) == null).toList();
        if (!missing.isEmpty()) {
            throw new InvalidCommandException(command + " without " + String.join(", ", missing));
        }
    }

    /** The header's value, or null when absent or empty (the dispatcher drops empty ones anyway). */
    static String optional(Map<String, String> headers, String name) {
        String value = headers.get(name);
        return value == null || value.isEmpty() ? null : value;
    }
}
