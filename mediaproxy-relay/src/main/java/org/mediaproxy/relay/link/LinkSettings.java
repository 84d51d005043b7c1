package org.mediaproxy.relay.link;

import java.time.Duration;

/**
 * Timing of the links to dispatchers ({@code [Relay] keepalive_interval} and
 * {@code reconnect_delay}).
 */
public record LinkSettings(Duration keepaliveInterval, Duration reconnectDelay) {

    private static final Duration QUICK_RETRY = Duration.ofSeconds(1);

    public LinkSettings {
        if (keepaliveInterval.isNegative() || keepaliveInterval.isZero()) {
            throw new IllegalArgumentException("keepalive interval must be positive");
        }
        if (reconnectDelay.isNegative() || reconnectDelay.isZero()) {
            throw new IllegalArgumentException("reconnect delay must be positive");
        }
    }

    /** Delay before reconnecting after an established connection was lost: 1 s at most. */
    public Duration quickRetryDelay() {
        return reconnectDelay.compareTo(QUICK_RETRY) < 0 ? reconnectDelay : QUICK_RETRY;
    }
}
