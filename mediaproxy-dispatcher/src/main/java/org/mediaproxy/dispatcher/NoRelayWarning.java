package org.mediaproxy.dispatcher;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs "no relay available" once per outage instead of once per call: the first failure is
 * logged, the following ones are counted and reported once a minute and when a relay is back.
 */
final class NoRelayWarning {

    private static final Logger log = LoggerFactory.getLogger(NoRelayWarning.class);
    private static final long REMINDER_NANOS = 60_000_000_000L;

    private boolean active;
    private long suppressed;
    private long lastLogged;

    void failed(String sessionId) {
        long now = System.nanoTime();
        if (!active) {
            active = true;
            suppressed = 0;
            lastLogged = now;
            log.warn("no relay available for new session {}: answering error (further failures are counted until a relay is available)",
                    sessionId);
            return;
        }
        suppressed++;
        if (now - lastLogged >= REMINDER_NANOS) {
            log.warn("still no relay available: {} more new sessions answered error", suppressed);
            suppressed = 0;
            lastLogged = now;
        }
    }

    void relayAvailable() {
        if (active) {
            active = false;
            log.info("a relay is available again{}", suppressed > 0 ? "; " + suppressed + " more new sessions were answered error" : "");
            suppressed = 0;
        }
    }
}
