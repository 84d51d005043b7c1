package org.mediaproxy.dispatcher.accounting;

import java.time.Duration;

/**
 * How often an unavailable backend is tried again, and how long shutdown may spend delivering.
 *
 * @param firstRetry   wait after the first failed attempt; doubled after every further failure
 * @param maxRetry     upper bound for that wait
 * @param shutdownDrain time {@link Accounting#close()} gives the workers to deliver what is queued
 *                     and spooled before leaving the rest in the spool for the next start
 */
public record DeliveryPolicy(Duration firstRetry, Duration maxRetry, Duration shutdownDrain) {

    public static final DeliveryPolicy DEFAULT =
            new DeliveryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(5));

    public DeliveryPolicy {
        if (firstRetry.isNegative() || firstRetry.isZero() || maxRetry.compareTo(firstRetry) < 0
                || shutdownDrain.isNegative()) {
            throw new IllegalArgumentException("invalid delivery policy " + firstRetry + "/" + maxRetry
                    + "/" + shutdownDrain);
        }
    }

    Duration nextRetry(Duration current) {
        Duration doubled = current.multipliedBy(2);
        return doubled.compareTo(maxRetry) > 0 ? maxRetry : doubled;
    }
}
