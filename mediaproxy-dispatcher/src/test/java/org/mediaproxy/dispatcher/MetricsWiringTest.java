package org.mediaproxy.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mediaproxy.common.json.PythonJson;
import org.mediaproxy.dispatcher.web.Exposition;

/**
 * The metrics listener of a real dispatcher: OpenSIPS requests through the UNIX socket, relays
 * over real TLS, and what {@code /metrics} and {@code /sessions.json} say about them.
 */
class MetricsWiringTest extends EndToEndBase {

    private static final Duration REPLY = Duration.ofSeconds(2);
    private static final String DIALOG = "2959232491322";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();

    private TestDispatcher dispatcherWithMetrics() throws Exception {
        return dispatcher(settings -> settings.metricsAddress = new InetSocketAddress("127.0.0.1", 0));
    }

    private HttpResponse<String> get(TestDispatcher dispatcher, String path) throws IOException, InterruptedException {
        InetSocketAddress address = dispatcher.dispatcher.metricsAddress().orElseThrow();
        HttpRequest request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + address.getPort() + path)).timeout(WAIT).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private Exposition scrape(TestDispatcher dispatcher) throws IOException, InterruptedException {
        HttpResponse<String> response = get(dispatcher, "/metrics");
        assertEquals(200, response.statusCode(), response.body());
        return Exposition.parse(response.body());
    }

    @Test
    void aCallAndAFailedUpdateMoveTheCountersAndTheLiveCallIsOnThePage() throws Exception {
        TestDispatcher dispatcher = dispatcherWithMetrics();
        FakeRelay a = new FakeRelay("203.0.113.5");
        relay(dispatcher, RELAY_A, a);
        OpenSipsTestClient opensips = opensips(dispatcher);

        Exposition before = scrape(dispatcher);
        assertEquals(0, before.value("mediaproxy_dispatcher_sessions_started_total"));
        assertEquals(0, before.value("mediaproxy_dispatcher_setup_latency_seconds_count"));
        assertEquals(1, before.value("mediaproxy_dispatcher_relays_connected"));

        assertTrue(opensips.request(Requests.invite("metered", DIALOG, null), REPLY).startsWith("203.0.113.5 "));
        assertTrue(opensips.request(Requests.answer("metered", DIALOG), REPLY).startsWith("203.0.113.5 "));

        HttpResponse<String> live = get(dispatcher, "/sessions.json");
        assertEquals(200, live.statusCode());
        JsonNode sessions = PythonJson.parse(live.body());
        assertEquals(1, sessions.size(), live.body());
        assertEquals("metered", sessions.get(0).path("call_id").asText());
        Exposition during = scrape(dispatcher);
        assertEquals(1, during.value("mediaproxy_dispatcher_sessions_started_total"));
        assertEquals(1, during.value("mediaproxy_dispatcher_sessions_active"));
        assertEquals(2, during.value("mediaproxy_dispatcher_setup_latency_seconds_count"));

        assertEquals("removed", opensips.request(Requests.remove("metered"), REPLY));
        a.mode = FakeRelay.Mode.ERROR;
        assertEquals("error", opensips.request(Requests.invite("refused", DIALOG, null), REPLY));
        assertEquals("error", opensips.request("update\r\ncall_id x\r\n\r\n", REPLY));

        Exposition after = scrape(dispatcher);
        assertEquals(1, after.value("mediaproxy_dispatcher_sessions_started_total"), "the refused call never started");
        assertEquals(1, after.value("mediaproxy_dispatcher_sessions_ended_total", "reason", "removed"));
        assertEquals(0, after.value("mediaproxy_dispatcher_sessions_ended_total", "reason", "timed_out"));
        assertEquals(0, after.value("mediaproxy_dispatcher_sessions_active"));
        assertEquals(3, after.value("mediaproxy_dispatcher_setup_latency_seconds_count"), "every update, failed or not");
        assertTrue(after.value("mediaproxy_dispatcher_setup_latency_seconds_sum") > 0);
        assertEquals(2, after.value("mediaproxy_dispatcher_opensips_requests_total", "command", "update", "result", "ok"));
        assertEquals(1, after.value("mediaproxy_dispatcher_opensips_requests_total", "command", "update", "result", "error"));
        assertEquals(1, after.value("mediaproxy_dispatcher_opensips_requests_total", "command", "remove", "result", "ok"));
        assertEquals(1, after.value("mediaproxy_dispatcher_errors_total", "kind", "relay_error"), "the relay said error");
        assertEquals(1, after.value("mediaproxy_dispatcher_errors_total", "kind", "no_relay"), "and no other relay was there");
        assertEquals(1, after.value("mediaproxy_dispatcher_errors_total", "kind", "bad_request"));
        assertEquals(0, after.value("mediaproxy_dispatcher_errors_total", "kind", "relay_timeout"));
        assertEquals(0, after.value("mediaproxy_dispatcher_accounting_spool_depth"), "no spool behind this sink");
    }

    @Test
    void aTimedOutCallIsCountedAsSuchAndAnUnreachableOpenSipsMiAsAnMiFailure() throws Exception {
        TestDispatcher dispatcher = dispatcherWithMetrics(); // nothing listens on the OpenSIPS MI socket
        FakeRelay a = new FakeRelay("203.0.113.5");
        TestRelay relay = relay(dispatcher, RELAY_A, a);
        OpenSipsTestClient opensips = opensips(dispatcher);
        assertTrue(opensips.request(Requests.invite("silent", DIALOG, null), REPLY).startsWith("203.0.113.5 "));
        assertTrue(opensips.request(Requests.answer("silent", DIALOG), REPLY).startsWith("203.0.113.5 "));

        relay.send(a.expire("silent", "no-traffic timeout"));
        dispatcher.nextRecord(WAIT);
        eventually("the MI failure counted", () -> {
            try {
                return scrape(dispatcher).value("mediaproxy_dispatcher_errors_total", "kind", "mi_failure") >= 1;
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Exposition scraped = scrape(dispatcher);
        assertEquals(1, scraped.value("mediaproxy_dispatcher_sessions_ended_total", "reason", "timed_out"));
        assertEquals(0, scraped.value("mediaproxy_dispatcher_sessions_ended_total", "reason", "removed"));

        assertEquals("removed", opensips.request(Requests.remove("silent"), REPLY), "OpenSIPS ends the dialog after all");
        assertEquals(1, scrape(dispatcher).value("mediaproxy_dispatcher_sessions_ended_total", "reason", "timed_out"));
        assertEquals(0, scrape(dispatcher).value("mediaproxy_dispatcher_sessions_ended_total", "reason", "removed"),
                "a session ends once");
    }

    @Test
    void withoutListenMetricsNothingIsServed() throws Exception {
        assertEquals(Optional.empty(), dispatcher().dispatcher.metricsAddress());
    }

    @Test
    void aMetricsAddressInUseIsAStartUpFailureThatLeavesNothingBehind() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            TestDispatcher.Builder builder = TestDispatcher.builder(runtime, dispatcherCredentials);
            builder.metricsAddress = new InetSocketAddress("127.0.0.1", taken.getLocalPort());
            IOException failure = assertThrows(IOException.class, builder::start);
            assertTrue(failure.getMessage().startsWith("cannot serve metrics and the web page on "), failure.getMessage());
            assertTrue(failure.getMessage().contains(":" + taken.getLocalPort()), failure.getMessage());
        }
        assertFalse(Files.exists(runtime.resolve("dispatcher.sock")), "OpenSIPS never saw a socket");
        eventually("the MI socket removed", () -> !Files.exists(runtime.resolve(MediaDispatcher.MI_SOCKET)));
    }
}
