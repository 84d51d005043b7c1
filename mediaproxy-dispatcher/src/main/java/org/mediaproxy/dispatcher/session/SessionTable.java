package org.mediaproxy.dispatcher.session;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** The dispatcher's calls by Call-ID (the relay keys by Call-ID and From-tag; this table by Call-ID only). */
public final class SessionTable {

    private final Map<String, DispatcherSession> sessions = new LinkedHashMap<>();

    public DispatcherSession get(String callId) {
        return sessions.get(callId);
    }

    public void put(DispatcherSession session) {
        sessions.put(session.callId(), session);
    }

    public DispatcherSession remove(String callId) {
        return sessions.remove(callId);
    }

    /** Removes and returns every session matching {@code filter}. */
    public List<DispatcherSession> removeIf(Predicate<DispatcherSession> filter) {
        List<DispatcherSession> removed = new ArrayList<>();
        sessions.values().removeIf(session -> {
            if (filter.test(session)) {
                removed.add(session);
                return true;
            }
            return false;
        });
        return removed;
    }

    public Collection<DispatcherSession> all() {
        return List.copyOf(sessions.values());
    }
}
