package org.mediaproxy.dispatcher.web;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus histogram of durations, lock-free for the threads that observe. Bucket bounds are
 * kept in nanoseconds so that a value exactly on a bound falls in that bound's bucket
 * ({@code le} means "less than or equal"), without floating-point doubt.
 */
final class Histogram {

    private final double[] boundsSeconds;
    private final long[] boundsNanos;
    /** Per bucket, not cumulative; the last one counts what exceeds every bound (+Inf only). */
    private final LongAdder[] counts;
    private final LongAdder sumNanos = new LongAdder();

    /** @param boundsSeconds the upper bounds, strictly increasing, without +Inf */
    Histogram(double... boundsSeconds) {
        if (boundsSeconds.length == 0) {
            throw new IllegalArgumentException("a histogram needs at least one bucket bound");
        }
        this.boundsSeconds = boundsSeconds.clone();
        boundsNanos = new long[boundsSeconds.length];
        for (int i = 0; i < boundsSeconds.length; i++) {
            if (i > 0 && boundsSeconds[i] <= boundsSeconds[i - 1]) {
                throw new IllegalArgumentException("bucket bounds must increase: " + Arrays.toString(boundsSeconds));
            }
            boundsNanos[i] = Math.round(boundsSeconds[i] * 1e9);
        }
        counts = new LongAdder[boundsSeconds.length + 1];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    /** Records one duration; a negative one (a clock stepping back) counts as zero. */
    void observe(Duration duration) {
        long nanos = Math.max(0, saturatedNanos(duration));
        int bucket = Arrays.binarySearch(boundsNanos, nanos);
        if (bucket < 0) {
            bucket = -bucket - 1; // the first bound above the value, or the +Inf bucket
        }
        counts[bucket].increment();
        sumNanos.add(nanos);
    }

    /**
     * Writes {@code _bucket} samples with cumulative counts, then {@code _sum} (seconds) and
     * {@code _count}. The count is the +Inf bucket's, so the two agree even while other threads
     * observe.
     */
    void writeTo(PrometheusText out, String name) {
        long cumulative = 0;
        for (int i = 0; i < counts.length; i++) {
            cumulative += counts[i].sum();
            String bound = i < boundsSeconds.length ? PrometheusText.number(boundsSeconds[i]) : "+Inf";
            out.sample(name + "_bucket", cumulative, "le", bound);
        }
        out.sample(name + "_sum", sumNanos.sum() / 1e9);
        out.sample(name + "_count", cumulative);
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
