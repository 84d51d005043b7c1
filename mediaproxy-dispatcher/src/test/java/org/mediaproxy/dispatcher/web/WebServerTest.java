package org.mediaproxy.dispatcher.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mediaproxy.common.json.PythonJson;
import org.mediaproxy.dispatcher.web.DispatcherMetrics.EndReason;
import org.mediaproxy.dispatcher.web.DispatcherMetrics.ErrorKind;
import org.mediaproxy.dispatcher.web.DispatcherMetrics.OpenSipsCommand;
import org.mediaproxy.dispatcher.web.DispatcherMetrics.OpenSipsResult;

class WebServerTest {

    private static final Duration ANSWER_TIMEOUT = Duration.ofMillis(500);

    private static MultiThreadIoEventLoopGroup group;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private FakeLiveView view;
    private DispatcherMetrics metrics;
    private WebServer server;

    @BeforeAll
    static void loops() {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterAll
    static void stopLoops() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @BeforeEach
    void start() throws Exception {
        view = new FakeLiveView();
        metrics = new DispatcherMetrics();
        server = WebServer.start(group, new InetSocketAddress("127.0.0.1", 0), view, metrics, ANSWER_TIMEOUT);
    }

    @AfterEach
    void stop() throws Exception {
        server.shutdown().get(5, TimeUnit.SECONDS);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.localAddress().getPort() + path);
    }

    @Test
    void metricsCombineTheCountersWithTheDemoCall() throws Exception {
        metrics.sessionStarted();
        metrics.sessionEnded(EndReason.REMOVED);
        metrics.error(ErrorKind.BAD_REQUEST);
        metrics.openSipsRequest(OpenSipsCommand.UPDATE, OpenSipsResult.OK);
        metrics.setupLatency(Duration.ofMillis(8));

        HttpResponse<String> response = get("/metrics");
        assertEquals(200, response.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", response.headers().firstValue("content-type").orElseThrow());
        Exposition scraped = Exposition.parse(response.body());

        assertEquals(1, scraped.value("mediaproxy_dispatcher_sessions_started_total"));
        assertEquals(1, scraped.value("mediaproxy_dispatcher_sessions_ended_total", "reason", "removed"));
        assertEquals(1, scraped.value("mediaproxy_dispatcher_errors_total", "kind", "bad_request"));
        assertEquals(1, scraped.value("mediaproxy_dispatcher_opensips_requests_total", "command", "update", "result", "ok"));
        assertEquals(1, scraped.value("mediaproxy_dispatcher_setup_latency_seconds_bucket", "le", "0.01"));
        assertEquals(0, scraped.value("mediaproxy_dispatcher_setup_latency_seconds_bucket", "le", "0.005"));

        // The demo call: one audio stream through relay 198.18.0.1, 118 packets of 118 bytes each way.
        assertEquals("gauge", scraped.family("mediaproxy_dispatcher_sessions_active").type());
        assertEquals(1, scraped.value("mediaproxy_dispatcher_sessions_active"));
        assertEquals(1, scraped.value("mediaproxy_dispatcher_streams", "media_type", "audio", "status", "active"));
        assertEquals(13924, scraped.value("mediaproxy_dispatcher_active_sessions_relayed_bytes", "party", "caller"));
        assertEquals(13924, scraped.value("mediaproxy_dispatcher_active_sessions_relayed_bytes", "party", "callee"));
        assertEquals(118, scraped.value("mediaproxy_dispatcher_active_sessions_relayed_packets", "party", "caller"));
        assertEquals(118, scraped.value("mediaproxy_dispatcher_active_sessions_relayed_packets", "party", "callee"));
        assertEquals(1, scraped.value("mediaproxy_dispatcher_relays_connected"));
        assertEquals(1, scraped.value("mediaproxy_relay_status", "relay", "198.18.0.1", "status", "active"));
        assertEquals(0, scraped.value("mediaproxy_relay_status", "relay", "198.18.0.1", "status", "halting"));
        assertEquals(0, scraped.value("mediaproxy_relay_status", "relay", "198.18.0.1", "status", "error"));
        assertEquals(1, scraped.value("mediaproxy_relay_info", "relay", "198.18.0.1", "version", "4.1.2"));
        assertEquals(1, scraped.value("mediaproxy_relay_uptime_seconds", "relay", "198.18.0.1"));
        assertEquals(1, scraped.value("mediaproxy_relay_sessions", "relay", "198.18.0.1"));
        assertEquals(1, scraped.value("mediaproxy_relay_streams", "relay", "198.18.0.1", "media_type", "audio"));
        assertEquals(0, scraped.value("mediaproxy_relay_bandwidth_bits_per_second", "relay", "198.18.0.1"));
        assertEquals(3, scraped.value("mediaproxy_dispatcher_accounting_spool_depth"));
        for (String source : List.of("sessions", "summary", "spool")) {
            assertEquals(1, scraped.value("mediaproxy_dispatcher_scrape_source_up", "source", source));
        }
    }

    @Test
    void relaysThatFailOrRepeatStillGiveAValidScrape() throws Exception {
        view.summary = () -> FakeLiveView.completed("""
                [{"ip": "198.18.0.1", "version": "4.1.2", "status": "halting", "uptime": 90061, "session_count": 2,
                  "stream_count": {"audio": 2, "video": 1}, "bps_relayed": 215466.66666666666},
                 {"status": "error", "ip": "198.18.0.9"},
                 {"status": "error", "ip": "198.18.0.9"},
                 {"ip": "198.18.0.7", "status": "draining \\"soon\\"", "stream_count": {"audio": "many"}},
                 {"no ip": true}, 17]""");
        view.sessions = () -> FakeLiveView.completed("""
                [{"call_id": "a", "streams": [{"media_type": "audio", "status": "on hold", "caller_bytes": 10},
                                              {"media_type": "video", "status": "closed", "caller_bytes": "ten"}]},
                 {"call_id": "b", "streams": "none"}, {"call_id": "c"}]""");

        Exposition scraped = Exposition.parse(get("/metrics").body());
        assertEquals(3, scraped.value("mediaproxy_dispatcher_sessions_active"));
        assertEquals(1, scraped.value("mediaproxy_dispatcher_streams", "media_type", "audio", "status", "on hold"));
        assertEquals(1, scraped.value("mediaproxy_dispatcher_streams", "media_type", "video", "status", "closed"));
        assertEquals(10, scraped.value("mediaproxy_dispatcher_active_sessions_relayed_bytes", "party", "caller"));
        assertEquals(3, scraped.value("mediaproxy_dispatcher_relays_connected"));
        assertEquals(1, scraped.value("mediaproxy_relay_status", "relay", "198.18.0.1", "status", "halting"));
        assertEquals(215466.66666666666, scraped.value("mediaproxy_relay_bandwidth_bits_per_second", "relay", "198.18.0.1"));
        assertEquals(90061, scraped.value("mediaproxy_relay_uptime_seconds", "relay", "198.18.0.1"));
        assertEquals(1, scraped.value("mediaproxy_relay_streams", "relay", "198.18.0.1", "media_type", "video"));
        assertEquals(1, scraped.value("mediaproxy_relay_status", "relay", "198.18.0.9", "status", "error"));
        assertEquals(0, scraped.value("mediaproxy_relay_status", "relay", "198.18.0.9", "status", "active"));
        assertEquals(1, scraped.value("mediaproxy_relay_status", "relay", "198.18.0.7", "status", "draining \"soon\""));
        assertEquals(1, scraped.family("mediaproxy_relay_sessions").samples().size());
    }

    @Test
    void metricsStillAnswerWhenTheDispatcherCannotTellItsState() throws Exception {
        metrics.sessionStarted();
        view.sessions = () -> FakeLiveView.failing("relay link broke");
        view.summary = CompletableFuture::new; // never answers
        view.spoolDepth = () -> {
            throw new IllegalStateException("spool unreadable");
        };
        long started = System.nanoTime();
        HttpResponse<String> response = get("/metrics");
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertEquals(200, response.statusCode());
        assertTrue(tookMillis >= ANSWER_TIMEOUT.toMillis() - 50 && tookMillis < 5000, "took " + tookMillis + " ms");
        Exposition scraped = Exposition.parse(response.body());
        assertEquals(1, scraped.value("mediaproxy_dispatcher_sessions_started_total"));
        for (String source : List.of("sessions", "summary", "spool")) {
            assertEquals(0, scraped.value("mediaproxy_dispatcher_scrape_source_up", "source", source));
        }
        assertFalse(scraped.has("mediaproxy_dispatcher_sessions_active"));
        assertFalse(scraped.has("mediaproxy_dispatcher_relays_connected"));
        assertFalse(scraped.has("mediaproxy_dispatcher_accounting_spool_depth"));
    }

    @Test
    void theJsonEndpointsGiveTheManagementAnswers() throws Exception {
        HttpResponse<String> sessions = get("/sessions.json");
        assertEquals(200, sessions.statusCode());
        assertEquals("application/json", sessions.headers().firstValue("content-type").orElseThrow());
        assertEquals("no-store", sessions.headers().firstValue("cache-control").orElseThrow());
        assertEquals(PythonJson.parse(FakeLiveView.DEMO_CALL.get(2)), PythonJson.parse(sessions.body()));

        HttpResponse<String> summary = get("/summary.json?pretty=no");
        assertEquals(200, summary.statusCode());
        assertEquals(PythonJson.parse(FakeLiveView.DEMO_CALL.get(1)), PythonJson.parse(summary.body()));
    }

    @Test
    void theJsonEndpointsSayWhyTheyHaveNoAnswer() throws Exception {
        view.sessions = () -> FakeLiveView.failing("no relay answered");
        HttpResponse<String> failed = get("/sessions.json");
        assertEquals(503, failed.statusCode());
        JsonNode error = PythonJson.parse(failed.body());
        assertEquals("the dispatcher could not give its sessions: no relay answered", error.path("error").asText());

        view.sessions = () -> {
            throw new IllegalStateException("dispatcher stopping");
        };
        assertEquals(503, get("/sessions.json").statusCode());

        CompletableFuture<JsonNode> pending = new CompletableFuture<>();
        view.summary = () -> pending;
        HttpResponse<String> late = get("/summary.json");
        assertEquals(504, late.statusCode());
        assertEquals("the dispatcher did not give its summary within 500 ms",
                PythonJson.parse(late.body()).path("error").asText());
        assertFalse(pending.isDone(), "the view's own future is left alone");
    }

    @Test
    void thePageAndItsFilesAreServed() throws Exception {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("content-type").orElseThrow());
        assertTrue(page.headers().firstValue("content-security-policy").orElseThrow().contains("script-src 'self'"));
        assertTrue(page.body().contains("<script src=\"sessions.js\" defer></script>"), page.body());
        assertEquals(page.body(), get("/index.html").body());
        assertEquals(page.body(), get("/?refresh=1").body());

        HttpResponse<String> script = get("/sessions.js");
        assertEquals("text/javascript; charset=utf-8", script.headers().firstValue("content-type").orElseThrow());
        assertTrue(script.body().contains("fetchJson(\"sessions.json\")"));
        HttpResponse<String> style = get("/sessions.css");
        assertEquals("text/css; charset=utf-8", style.headers().firstValue("content-type").orElseThrow());
        assertEquals("nosniff", style.headers().firstValue("x-content-type-options").orElseThrow());
        assertEquals(0, view.sessionsAsked.get(), "static files do not ask the dispatcher");
    }

    @Test
    void otherPathsAre404AndOtherMethods405WithOneDebugLineEach() throws Exception {
        try (WebLog log = new WebLog()) {
            for (String path : List.of("/nope", "/metrics/", "/favicon.ico", "/../etc/passwd", "/%2e%2e/")) {
                HttpResponse<String> response = get(path);
                assertEquals(404, response.statusCode(), path);
                assertTrue(response.body().contains("/metrics"), response.body());
            }
            for (String method : List.of("POST", "PUT", "DELETE", "OPTIONS")) {
                HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/metrics"))
                        .method(method, HttpRequest.BodyPublishers.ofString("x")));
                assertEquals(405, response.statusCode(), method);
                assertEquals("GET", response.headers().firstValue("allow").orElseThrow());
            }
            assertEquals(9, log.lines().size(), String.join("\n", log.lines()));
            assertTrue(log.lines().stream().allMatch(line -> line.startsWith("DEBUG web: ")), String.join("\n", log.lines()));
            assertTrue(log.lines().get(0).contains("404 for GET /nope from /127.0.0.1:"), log.lines().get(0));
            assertTrue(log.lines().get(8).contains("405 for OPTIONS /metrics from"), log.lines().get(8));
        }
        assertEquals(0, view.sessionsAsked.get());
    }

    @Test
    void malformedAndOversizedRequestsAreRefusedAndTheConnectionClosed() throws Exception {
        try (WebLog log = new WebLog()) {
            assertTrue(exchange("GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n")
                    .startsWith("HTTP/1.1 414 "));
            assertTrue(exchange("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n")
                    .startsWith("HTTP/1.1 431 "));
            assertTrue(exchange("GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 400 "));
            assertTrue(exchange("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + "c".repeat(1000))
                    .startsWith("HTTP/1.1 413 "));
            // The start of a TLS ClientHello: someone tried https://.
            assertTrue(exchange("\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u00fc\u0003\u0003\r\n\r\n")
                    .startsWith("HTTP/1.1 400 "));
            List<String> lines = log.lines();
            assertEquals(5, lines.size(), String.join("\n", lines));
            assertTrue(lines.stream().allMatch(line -> line.startsWith("DEBUG web: ")), String.join("\n", lines));
        }
        // The server is still fine.
        assertEquals(200, get("/metrics").statusCode());
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderOnOneConnection() throws Exception {
        CompletableFuture<JsonNode> slow = new CompletableFuture<>();
        view.sessions = () -> slow;
        CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS)
                .execute(() -> slow.complete(PythonJson.parse("[]")));
        String answers = exchange("GET /sessions.json HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /sessions.css HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        int json = answers.indexOf("content-type: application/json");
        int css = answers.indexOf("content-type: text/css");
        int missing = answers.indexOf("HTTP/1.1 404 ");
        assertTrue(json > 0 && css > json && missing > css, answers);
        assertEquals(3, answers.split("HTTP/1.1 ", -1).length - 1, answers);
    }

    @Test
    void aClientPipeliningTooMuchIsCutOff() throws Exception {
        view.sessions = CompletableFuture::new; // every answer waits for the timeout
        String flood = "GET /sessions.json HTTP/1.1\r\nHost: x\r\n\r\n".repeat(WebConnection.MAX_OUTSTANDING + 10);
        long started = System.nanoTime();
        String answers = exchange(flood);
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(4));
        assertTrue(answers.split("HTTP/1.1 504 ", -1).length - 1 <= WebConnection.MAX_OUTSTANDING, answers);
    }

    @Test
    void theListenerStopsOnShutdownAndABusyAddressIsAnError() throws Exception {
        InetSocketAddress address = server.localAddress();
        IOException busy = assertThrows(IOException.class,
                () -> WebServer.start(group, address, view, metrics, ANSWER_TIMEOUT));
        assertTrue(busy.getMessage().contains("cannot serve metrics and the web page on"), busy.getMessage());
        server.shutdown().get(5, TimeUnit.SECONDS);
        assertThrows(ConnectException.class, () -> new Socket(address.getAddress(), address.getPort()).close());
        server = WebServer.start(group, new InetSocketAddress("127.0.0.1", 0), view, metrics, ANSWER_TIMEOUT);
    }

    /** Writes raw bytes and reads until the server closes the connection (or 5 s pass). */
    private String exchange(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.localAddress().getPort())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException e) {
                // The server may close before reading everything (an oversized body); read its answer.
            }
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    received.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server kept the connection open; got so far:\n" + received, e);
            } catch (IOException e) {
                // Reset after the answer: what arrived counts.
            }
            return received.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
