/**
 * Prometheus metrics and the live sessions page, served over HTTP on {@code [Dispatcher]
 * listen_metrics} (off unless configured; default port 9125). Read-only: nothing here can change a
 * call. There is no authentication, so bind it to loopback or a management network.
 *
 * <h2>Wiring (three pieces)</h2>
 * <ul>
 * <li>{@link org.mediaproxy.dispatcher.web.DispatcherMetrics}: one instance, incremented by the
 *     dispatcher core as things happen (sessions started/ended, OpenSIPS requests, setup latency,
 *     errors). Lock-free; call it inline on the event loop.</li>
 * <li>{@link org.mediaproxy.dispatcher.web.LiveView}: implemented by the dispatcher with what backs
 *     its management commands {@code sessions} and {@code summary}, plus the accounting spool
 *     depth. Gauges are derived from it at scrape time, so nothing needs to be kept in step.</li>
 * <li>{@link org.mediaproxy.dispatcher.web.WebServer#start}: on the dispatcher's event loop (then the
 *     view is called on that loop and may use the dispatcher's state directly), with an answer
 *     timeout a little above {@code relay_timeout}.</li>
 * </ul>
 *
 * <h2>Paths</h2>
 * {@code GET /metrics} (text format 0.0.4), {@code GET /sessions.json} and {@code GET /summary.json}
 * (the management answers; 503/504 with {@code {"error": ...}} when the dispatcher cannot give
 * them), {@code GET /} (the page: static HTML, CSS and JS from this package's resources, no
 * external resources, refreshing every 2 s and showing a banner when a refresh fails). Other paths
 * 404, other methods 405, oversized or malformed requests 413/414/431/400 and a closed connection;
 * each refusal logs one DEBUG line.
 *
 * <h2>Metric families</h2>
 * Counted by the dispatcher:
 * {@code mediaproxy_dispatcher_sessions_started_total},
 * {@code mediaproxy_dispatcher_sessions_ended_total{reason}} (removed, timed_out, expired, relay_lost),
 * {@code mediaproxy_dispatcher_setup_latency_seconds} (histogram, buckets fine up to 0.5 s),
 * {@code mediaproxy_dispatcher_opensips_requests_total{command,result}},
 * {@code mediaproxy_dispatcher_errors_total{kind}}.
 * Read at scrape time:
 * {@code mediaproxy_dispatcher_sessions_active}, {@code mediaproxy_dispatcher_streams{media_type,status}},
 * {@code mediaproxy_dispatcher_active_sessions_relayed_bytes{party}} and {@code ..._packets{party}}
 * (current sessions only, so they drop when a call ends), {@code mediaproxy_dispatcher_relays_connected},
 * per relay {@code mediaproxy_relay_status{relay,status}}, {@code mediaproxy_relay_info{relay,version}},
 * {@code mediaproxy_relay_uptime_seconds}, {@code mediaproxy_relay_sessions},
 * {@code mediaproxy_relay_streams{relay,media_type}}, {@code mediaproxy_relay_bandwidth_bits_per_second},
 * and {@code mediaproxy_dispatcher_accounting_spool_depth}. When part of the state does not come in
 * time, its families are left out and {@code mediaproxy_dispatcher_scrape_source_up{source}} is 0:
 * a scrape never fails for a slow relay, so the counters are never lost with it.
 */
package org.mediaproxy.dispatcher.web;
