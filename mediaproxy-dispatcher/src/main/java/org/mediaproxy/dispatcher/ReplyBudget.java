package org.mediaproxy.dispatcher;

import java.time.Duration;

/**
 * How long an OpenSIPS request may take. The module waits {@code mediaproxy_timeout} (500 ms by
 * default) for each reply and, when that passes, closes the socket and sends nothing for 10 s –
 * so a late answer costs far more than an {@code error}. {@code [Dispatcher] opensips_timeout}
 * should equal the module's {@code mediaproxy_timeout}; the dispatcher answers within 80 % of it,
 * leaving the rest for scheduling and socket latency, and shares that time among the relays it
 * tries.
 */
public record ReplyBudget(Duration opensipsTimeout) {

    public ReplyBudget {
        if (opensipsTimeout.isNegative() || opensipsTimeout.isZero()) {
            throw new IllegalArgumentException("opensips_timeout must be positive");
        }
    }

    /** Time from receiving a request to the latest moment its answer is written. */
    public long answerWithinNanos() {
        return opensipsTimeout.toNanos() / 5 * 4;
    }

    /**
     * Time one relay gets: never more than {@code relay_timeout}; when other relays could still be
     * tried, half of what is left, so that a stalled relay leaves room for the next one.
     */
    public long attemptNanos(long remainingNanos, int relaysLeft, Duration relayTimeout) {
        return Math.min(relayTimeout.toNanos(), relaysLeft > 1 ? remainingNanos / 2 : remainingNanos);
    }
}
