package org.mediaproxy.relay.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.mediaproxy.relay.link.RelayCommands;

/**
 * A session table just rich enough to drive the links: sessions keyed by Call-ID, remembered with
 * the dispatcher that created them, {@code halting} after {@link #halt()}, records reported through
 * the listener on expiry. No media.
 */
public final class InMemorySessionTable implements RelayCommands {

    private final Map<String, String> dispatcherOf = new LinkedHashMap<>();
    private final List<String> executed = new ArrayList<>();
    private BiConsumer<String, String> expiredListener = (dispatcher, record) -> { };
    private Runnable idleListener = () -> { };
    private boolean halted;

    /** Where expired records and the idle event go (the relay lifecycle in production). */
    public synchronized void listen(BiConsumer<String, String> expired, Runnable idle) {
        this.expiredListener = expired;
        this.idleListener = idle;
    }

    @Override
    public synchronized String execute(String command, Map<String, String> headers, String dispatcher) {
        executed.add(command + " " + headers + " via " + dispatcher);
        String callId = headers.get("call_id");
        switch (command) {
            case "update":
                if (callId == null) {
                    return "error";
                }
                if (dispatcherOf.containsKey(callId)) {
                    return "198.18.0.1 40000";
                }
                if (halted) {
                    return "halting";
                }
                dispatcherOf.put(callId, dispatcher);
                return "198.18.0.1 40002";
            case "remove":
                if (callId == null || dispatcherOf.remove(callId) == null) {
                    return "error";
                }
                if (halted && dispatcherOf.isEmpty()) {
                    idleListener.run();
                }
                return record(callId);
            case "sessions":
                List<String> records = new ArrayList<>();
                dispatcherOf.keySet().forEach(id -> records.add(record(id)));
                return "[" + String.join(", ", records) + "]";
            case "summary":
                return "{\"status\": \"" + (halted ? "halting" : "active") + "\", \"session_count\": " + dispatcherOf.size() + "}";
            default:
                return "error";
        }
    }

    /** Adds a session as if an update had come through {@code dispatcher}. */
    public synchronized void add(String callId, String dispatcher) {
        dispatcherOf.put(callId, dispatcher);
    }

    /** Ends a session on a timeout, as the media core does. */
    public synchronized void expire(String callId) {
        String dispatcher = dispatcherOf.remove(callId);
        expiredListener.accept(dispatcher, record(callId));
        if (halted && dispatcherOf.isEmpty()) {
            idleListener.run();
        }
    }

    public synchronized List<String> executed() {
        return List.copyOf(executed);
    }

    @Override
    public synchronized int sessionCount(String dispatcher) {
        return (int) dispatcherOf.values().stream().filter(dispatcher::equals).count();
    }

    @Override
    public synchronized void halt() {
        halted = true;
    }

    @Override
    public synchronized void expireAll() {
        for (String callId : List.copyOf(dispatcherOf.keySet())) {
            expire(callId);
        }
    }

    @Override
    public synchronized boolean isIdle() {
        return dispatcherOf.isEmpty();
    }

    public static String record(String callId) {
        return "{\"call_id\": \"" + callId + "\", \"streams\": []}";
    }
}
