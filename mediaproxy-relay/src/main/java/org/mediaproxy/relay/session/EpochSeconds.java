package org.mediaproxy.relay.session;

import java.time.Instant;

/**
 * Times as the original computes them: Unix seconds in a double (Python's {@code time()}), and
 * differences taken between those doubles and truncated towards zero where it stores integers,
 * so records carry the same values and the same float artefacts.
 */
final class EpochSeconds {

    private EpochSeconds() {
    }

    static double of(Instant instant) {
        return instant.getEpochSecond() + instant.getNano() / 1e9;
    }

    static double between(Instant from, Instant to) {
        return of(to) - of(from);
    }

    /** Python's {@code int(to - from)}. */
    static long truncatedBetween(Instant from, Instant to) {
        return (long) between(from, to);
    }
}
