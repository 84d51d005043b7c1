package org.mediaproxy.dispatcher.web;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.mediaproxy.common.json.PythonJson;

/** A {@link LiveView} whose answers the test chooses; by default the original's demo call. */
final class FakeLiveView implements LiveView {

    /** The management answers the original 4.1.2 gave during its demo call: version, summary, sessions. */
    static final List<String> DEMO_CALL = fixtureLines("/fixtures/original-4.1.2/call1-management.jsonl");

    volatile Supplier<CompletableFuture<JsonNode>> sessions = () -> completed(DEMO_CALL.get(2));
    volatile Supplier<CompletableFuture<JsonNode>> summary = () -> completed(DEMO_CALL.get(1));
    volatile IntSupplier spoolDepth = () -> 3;
    /** How many times the sessions were asked for. */
    final AtomicInteger sessionsAsked = new AtomicInteger();

    @Override
    public CompletableFuture<JsonNode> sessions() {
        sessionsAsked.incrementAndGet();
        return sessions.get();
    }

    @Override
    public CompletableFuture<JsonNode> summary() {
        return summary.get();
    }

    @Override
    public int spoolDepth() {
        return spoolDepth.getAsInt();
    }

    static CompletableFuture<JsonNode> completed(String json) {
        return CompletableFuture.completedFuture(PythonJson.parse(json));
    }

    static CompletableFuture<JsonNode> failing(String message) {
        return CompletableFuture.failedFuture(new IllegalStateException(message));
    }

    private static List<String> fixtureLines(String name) {
        try (InputStream in = FakeLiveView.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
