package org.mediaproxy.dispatcher.relay;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The connected relays by IP address: one connection per relay, the newest wins. */
public final class RelayRegistry {

    private final Map<String, RelayLink> links = new LinkedHashMap<>();

    /** Registers a new connection; returns the one it replaces, if the relay was connected already. */
    public RelayLink register(RelayLink link) {
        return links.put(link.ip(), link);
    }

    /** Forgets a connection; false when it had already been replaced by a newer one. */
    public boolean unregister(RelayLink link) {
        return links.remove(link.ip(), link);
    }

    public RelayLink get(String ip) {
        return links.get(ip);
    }

    /** Whether this link is (still) the relay's current connection. */
    public boolean isCurrent(RelayLink link) {
        return links.get(link.ip()) == link;
    }

    public Collection<RelayLink> all() {
        return List.copyOf(links.values());
    }
}
