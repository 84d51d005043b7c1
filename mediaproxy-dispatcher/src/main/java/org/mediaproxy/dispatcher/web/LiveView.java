package org.mediaproxy.dispatcher.web;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletableFuture;

/**
 * The dispatcher's current state, asked for on every page refresh and every scrape. The
 * dispatcher implements it with what backs its management commands; the web server only reads.
 *
 * <p>The futures may complete on any thread. The web server bounds how long it waits, so they may
 * take as long as the relays take ({@code relay_timeout}), but must not be completed by blocking a
 * caller's thread: {@link #sessions()} and {@link #summary()} are called on an event loop.
 */
public interface LiveView {

    /**
     * What the management command {@code sessions} answers: a JSON array of the session records
     * of every connected relay (management-interface.md §4).
     */
    CompletableFuture<JsonNode> sessions();

    /**
     * What the management command {@code summary} answers: a JSON array with one object per
     * connected relay, {@code {"status": "error", "ip": ...}} for one that did not answer
     * (management-interface.md §3).
     */
    CompletableFuture<JsonNode> summary();

    /**
     * Session records waiting in the accounting spools for a backend to come back. May block
     * briefly (the spool is locked while it writes to disk), so it is called off the event loop.
     */
    int spoolDepth();
}
