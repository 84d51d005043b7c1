package org.mediaproxy.dispatcher.opensips;

import java.util.concurrent.CompletableFuture;

/** Serves OpenSIPS requests; called on the dispatcher's event loop. */
@FunctionalInterface
public interface OpenSipsRequestHandler {

    /**
     * @return the reply line without CR LF; a failed future is answered {@code error}. The future
     *     must complete within the OpenSIPS reply budget.
     */
    CompletableFuture<String> handle(OpenSipsRequest request);
}
