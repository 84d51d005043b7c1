package org.mediaproxy.dispatcher.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mediaproxy.dispatcher.web.DispatcherMetrics.EndReason;
import org.mediaproxy.dispatcher.web.DispatcherMetrics.ErrorKind;
import org.mediaproxy.dispatcher.web.DispatcherMetrics.OpenSipsCommand;
import org.mediaproxy.dispatcher.web.DispatcherMetrics.OpenSipsResult;

class DispatcherMetricsTest {

    private static final String LATENCY = "mediaproxy_dispatcher_setup_latency_seconds";

    private static Exposition scrape(DispatcherMetrics metrics) {
        PrometheusText out = new PrometheusText();
        metrics.writeTo(out);
        return Exposition.parse(out.text());
    }

    @Test
    void everySeriesIsExportedFromZero() {
        Exposition scraped = scrape(new DispatcherMetrics());
        assertEquals("counter", scraped.family("mediaproxy_dispatcher_sessions_started_total").type());
        assertEquals(0, scraped.value("mediaproxy_dispatcher_sessions_started_total"));
        for (String reason : List.of("removed", "timed_out", "expired", "relay_lost")) {
            assertEquals(0, scraped.value("mediaproxy_dispatcher_sessions_ended_total", "reason", reason));
        }
        for (String kind : List.of("no_relay", "relay_error", "relay_timeout", "bad_request", "mi_failure",
                "accounting_failure")) {
            assertEquals(0, scraped.value("mediaproxy_dispatcher_errors_total", "kind", kind));
        }
        for (String command : List.of("update", "remove")) {
            for (String result : List.of("ok", "none", "error")) {
                assertEquals(0, scraped.value("mediaproxy_dispatcher_opensips_requests_total",
                        "command", command, "result", result));
            }
        }
        assertEquals("histogram", scraped.family(LATENCY).type());
        assertEquals(0, scraped.value(LATENCY + "_count"));
        assertEquals(0, scraped.value(LATENCY + "_sum"));
    }

    @Test
    void countsWhatTheDispatcherReports() {
        DispatcherMetrics metrics = new DispatcherMetrics();
        metrics.sessionStarted();
        metrics.sessionStarted();
        metrics.sessionStarted();
        metrics.sessionEnded(EndReason.REMOVED);
        metrics.sessionEnded(EndReason.REMOVED);
        metrics.sessionEnded(EndReason.TIMED_OUT);
        metrics.error(ErrorKind.NO_RELAY);
        metrics.error(ErrorKind.RELAY_TIMEOUT);
        metrics.error(ErrorKind.RELAY_TIMEOUT);
        metrics.openSipsRequest(OpenSipsCommand.UPDATE, OpenSipsResult.OK);
        metrics.openSipsRequest(OpenSipsCommand.UPDATE, OpenSipsResult.OK);
        metrics.openSipsRequest(OpenSipsCommand.UPDATE, OpenSipsResult.ERROR);
        metrics.openSipsRequest(OpenSipsCommand.REMOVE, OpenSipsResult.OK);

        Exposition scraped = scrape(metrics);
        assertEquals(3, scraped.value("mediaproxy_dispatcher_sessions_started_total"));
        assertEquals(2, scraped.value("mediaproxy_dispatcher_sessions_ended_total", "reason", "removed"));
        assertEquals(1, scraped.value("mediaproxy_dispatcher_sessions_ended_total", "reason", "timed_out"));
        assertEquals(0, scraped.value("mediaproxy_dispatcher_sessions_ended_total", "reason", "expired"));
        assertEquals(1, scraped.value("mediaproxy_dispatcher_errors_total", "kind", "no_relay"));
        assertEquals(2, scraped.value("mediaproxy_dispatcher_errors_total", "kind", "relay_timeout"));
        assertEquals(0, scraped.value("mediaproxy_dispatcher_errors_total", "kind", "mi_failure"));
        assertEquals(2, scraped.value("mediaproxy_dispatcher_opensips_requests_total", "command", "update", "result", "ok"));
        assertEquals(1, scraped.value("mediaproxy_dispatcher_opensips_requests_total", "command", "update", "result", "error"));
        assertEquals(1, scraped.value("mediaproxy_dispatcher_opensips_requests_total", "command", "remove", "result", "ok"));
        assertEquals(0, scraped.value("mediaproxy_dispatcher_opensips_requests_total", "command", "remove", "result", "none"));
    }

    @Test
    void latencyBucketsAreCumulativeAndABoundIsInclusive() {
        DispatcherMetrics metrics = new DispatcherMetrics();
        long[] millis = {0, 1, 3, 7, 120, 450, 500, 501, 800, 7000};
        for (long ms : millis) {
            metrics.setupLatency(Duration.ofMillis(ms));
        }
        metrics.setupLatency(Duration.ofMillis(-5)); // a clock stepping back counts as 0
        Exposition scraped = scrape(metrics);

        // 0, 1 and -5 are <= 1 ms; 500 ms is exactly on the 0.5 bound and belongs to it.
        assertEquals(3, scraped.value(LATENCY + "_bucket", "le", "0.001"));
        assertEquals(3, scraped.value(LATENCY + "_bucket", "le", "0.0025"));
        assertEquals(4, scraped.value(LATENCY + "_bucket", "le", "0.005"));
        assertEquals(5, scraped.value(LATENCY + "_bucket", "le", "0.01"));
        assertEquals(5, scraped.value(LATENCY + "_bucket", "le", "0.1"));
        assertEquals(6, scraped.value(LATENCY + "_bucket", "le", "0.2"));
        assertEquals(6, scraped.value(LATENCY + "_bucket", "le", "0.4"));
        assertEquals(8, scraped.value(LATENCY + "_bucket", "le", "0.5"));
        assertEquals(10, scraped.value(LATENCY + "_bucket", "le", "1"));
        assertEquals(10, scraped.value(LATENCY + "_bucket", "le", "5"));
        assertEquals(11, scraped.value(LATENCY + "_bucket", "le", "+Inf"));
        assertEquals(11, scraped.value(LATENCY + "_count"));
        assertEquals(9.382, scraped.value(LATENCY + "_sum"), 1e-9);

        List<Exposition.Sample> buckets = scraped.family(LATENCY).samples().stream()
                .filter(s -> s.name().endsWith("_bucket")).toList();
        assertEquals(DispatcherMetrics.SETUP_LATENCY_BOUNDS.length + 1, buckets.size());
    }

    @Test
    void concurrentIncrementsAreAllCounted() throws Exception {
        DispatcherMetrics metrics = new DispatcherMetrics();
        int threads = 4;
        int perThread = 50_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    metrics.sessionStarted();
                    metrics.error(ErrorKind.RELAY_ERROR);
                    metrics.setupLatency(Duration.ofMillis(i % 1000));
                }
                return null;
            }));
        }
        start.countDown();
        // Scrapes while the counting goes on must be valid expositions too.
        for (int i = 0; i < 20; i++) {
            scrape(metrics);
        }
        for (Future<?> future : done) {
            future.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        Exposition scraped = scrape(metrics);
        assertEquals(threads * perThread, scraped.value("mediaproxy_dispatcher_sessions_started_total"));
        assertEquals(threads * perThread, scraped.value("mediaproxy_dispatcher_errors_total", "kind", "relay_error"));
        assertEquals(threads * perThread, scraped.value(LATENCY + "_count"));
        // i % 1000 ms for i < 50000: 50 rounds of 0..999 ms, 501 of each 1000 values <= 0.5 s.
        assertEquals(threads * 50 * 501, scraped.value(LATENCY + "_bucket", "le", "0.5"));
        assertTrue(scraped.value(LATENCY + "_sum") > 0);
    }
}
