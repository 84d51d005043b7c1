package org.mediaproxy.relay.link;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A complete command from a dispatcher: {@code name seq}, its header lines and the empty line
 * that ends it. Header names and values are kept exactly as received, in order; their meaning is
 * the session table's business.
 */
public record DispatcherCommand(String name, String seq, Map<String, String> headers) implements DispatcherMessage {

    /** The commands a relay understands; any other name is answered {@code <seq> error}. */
    public static final Set<String> NAMES = Set.of("update", "remove", "summary", "sessions");

    public DispatcherCommand {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }
}
