package org.mediaproxy.dispatcher.accounting;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * A backend whose availability a test switches: it can be down (temporary failure), hang inside
 * {@link #account}, refuse chosen calls for good, or be slow. Keeps what it received, in order.
 */
final class ScriptedBackend implements AccountingBackend {

    private final String name;
    private final List<String> delivered = new ArrayList<>();
    private final Set<String> refusedCallIds = ConcurrentHashMap.newKeySet();
    private volatile boolean available = true;
    private volatile CountDownLatch hang;
    private volatile long delayMillis;
    private volatile boolean closed;

    ScriptedBackend(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void account(SessionRecord record) throws Exception {
        CountDownLatch gate = hang;
        if (gate != null) {
            gate.await();
        }
        if (delayMillis > 0) {
            Thread.sleep(delayMillis);
        }
        if (!available) {
            throw new IOException(name + " is down");
        }
        if (refusedCallIds.contains(record.callId())) {
            throw new RejectedRecordException("refused by the test");
        }
        synchronized (delivered) {
            delivered.add(record.callId());
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    List<String> delivered() {
        synchronized (delivered) {
            return List.copyOf(delivered);
        }
    }

    void available(boolean value) {
        available = value;
    }

    void hangUntil(CountDownLatch gate) {
        hang = gate;
    }

    void delay(long millis) {
        delayMillis = millis;
    }

    void refuse(String callId) {
        refusedCallIds.add(callId);
    }

    boolean closed() {
        return closed;
    }
}
