package org.mediaproxy.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mediaproxy.common.json.PythonJson;
import org.mediaproxy.common.tls.Passport;
import org.mediaproxy.common.tls.PeerVerifier;
import org.mediaproxy.common.tls.Role;
import org.mediaproxy.common.tls.TlsCredentials;

/** The management interface over TLS with client certificates, and the passports of both listeners. */
class ManagementAndTlsTest extends EndToEndBase {

    @Test
    void answersEveryCommandOnOneLine() throws Exception {
        TestDispatcher dispatcher = dispatcher();
        relay(dispatcher, RELAY_A, new FakeRelay("203.0.113.5"));
        relay(dispatcher, RELAY_B, new FakeRelay("203.0.113.9"));
        OpenSipsTestClient opensips = opensips(dispatcher);
        assertTrue(opensips.request(Requests.invite("listed", "1", RELAY_A), Duration.ofSeconds(2)).startsWith("203.0.113.5"));
        assertTrue(opensips.request(Requests.answer("listed", "1"), Duration.ofSeconds(2)).startsWith("203.0.113.5"));

        ManagementTestClient client = management(dispatcher);
        assertEquals(TestDispatcher.VERSION, client.command("version"));
        JsonNode summary = PythonJson.parse(client.command("summary"));
        assertEquals(2, summary.size());
        assertEquals(List.of("203.0.113.5", "203.0.113.9"), List.of(summary.get(0).get("ip").asText(), summary.get(1).get("ip").asText()));
        String sessions = client.command("sessions");
        assertTrue(sessions.startsWith("[{\"call_id\": \"listed\", \"from_tag\": \"caller-tag\""), sessions);
        assertEquals(1, PythonJson.parse(sessions).size(), "the empty list of relay B adds nothing");
        assertEquals("error", client.command("bogus"));
        assertEquals("error", client.command("SUMMARY"), "commands are case-sensitive");
        client.send("version\r\nsummary\r\nversion");
        assertEquals(TestDispatcher.VERSION, client.readLine());
        assertTrue(client.readLine().startsWith("[{\"ip\": \"203.0.113.5\""), "pipelined answers in command order");
        assertEquals(TestDispatcher.VERSION, client.readLine());
        client.send("quit");
        assertNull(client.readLine(), "quit closes without an answer");

        ManagementTestClient other = management(dispatcher);
        other.send("exit");
        assertNull(other.readLine());
    }

    @Test
    void aRelayThatDoesNotAnswerIsListedAsError() throws Exception {
        TestDispatcher dispatcher = dispatcher(settings -> settings.relayTimeout = Duration.ofMillis(300));
        relay(dispatcher, RELAY_A, new FakeRelay("203.0.113.5"));
        relay(dispatcher, RELAY_B, command -> command.name().equals("sessions") ? "[]" : null);
        ManagementTestClient client = management(dispatcher);
        String summary = client.command("summary");
        assertTrue(summary.endsWith(", {\"status\": \"error\", \"ip\": \"127.0.0.3\"}]"), summary);
        assertTrue(summary.startsWith("[{\"ip\": \"203.0.113.5\", \"version\": \"4.1.2\", \"status\": \"active\""), summary);
        assertEquals("[]", client.command("sessions"), "a failing relay is left out");
    }

    @Test
    void garbageOnOneManagementConnectionDoesNotDisturbAnother() throws Exception {
        TestDispatcher dispatcher = dispatcher();
        ManagementTestClient good = management(dispatcher);
        ManagementTestClient bad = management(dispatcher);
        assertEquals("error", bad.command("\u0000\u0001\u00ff"));
        bad.send("x".repeat(17000));
        assertNull(bad.readLine(), "a line over 16 KiB closes the connection");
        assertEquals(TestDispatcher.VERSION, good.command("version"));
    }

    @Test
    void withoutRelaysTheListsAreEmpty() throws Exception {
        TestDispatcher dispatcher = dispatcher();
        ManagementTestClient client = management(dispatcher);
        assertEquals("[]", client.command("summary"));
        assertEquals("[]", client.command("sessions"));
    }

    @Test
    void theManagementPassportRefusesOtherClients() throws Exception {
        TestDispatcher dispatcher = dispatcher(settings -> settings.managementPassport = Passport.parse("O:Other"));
        try (LogCapture log = new LogCapture(PeerVerifier.class)) {
            ManagementTestClient client = management(dispatcher);
            client.send("version");
            assertNull(client.readLine(), "closed without an answer");
            assertTrue(log.contains("wrong passport"), log.messages().toString());
        }
    }

    @Test
    void theManagementPassportLetsMatchingClientsIn() throws Exception {
        TestDispatcher dispatcher = dispatcher(settings ->
                settings.managementPassport = Passport.parse("O:AG Projects, CN:*management"));
        assertEquals(TestDispatcher.VERSION, management(dispatcher).command("version"));
    }

    @Test
    void aClientCertificateFromAnotherAuthorityIsRejected() throws Exception {
        TestDispatcher dispatcher = dispatcher();
        TestPki stranger = TestPki.create("CN=Other CA");
        TestPki.Identity outsider = stranger.issue("CN=MediaProxy management, O=AG Projects");
        var context = SslContextBuilder.forClient().keyManager(outsider.key(), outsider.certificate())
                .trustManager(Path.of("..", "tls", "ca.pem").toFile()).endpointIdentificationAlgorithm(null).build();
        try {
            ManagementTestClient client = closeLater(ManagementTestClient.connect(relayGroup, dispatcher.managementAddress(), context));
            client.send("version");
            assertNull(client.readLine());
        } catch (Exception refusedInHandshake) {
            // also a refusal
        }
    }

    @Test
    void plainTcpManagementWhenTlsIsOff() throws Exception {
        TestDispatcher dispatcher = dispatcher(settings -> settings.managementTls = false);
        ManagementTestClient client = closeLater(ManagementTestClient.connect(relayGroup, dispatcher.managementAddress(), null));
        assertEquals(TestDispatcher.VERSION, client.command("version"));
    }

    @Test
    void theRelayPassportRefusesOtherRelays() throws Exception {
        TestDispatcher dispatcher = dispatcher(settings -> settings.passport = Passport.parse("CN:relay*"));
        try (LogCapture log = new LogCapture(PeerVerifier.class)) {
            TestRelay refused = closeLater(TestRelay.connect(relayGroup, RELAY_A, dispatcher.relayAddress(),
                    relayCredentials.clientContext(), new FakeRelay("203.0.113.5")));
            assertTrue(refused.awaitClosed(WAIT));
            assertTrue(log.contains("wrong passport"), log.messages().toString());
        }
        assertEquals(List.of(), dispatcher.dispatcher.connectedRelays());
        OpenSipsTestClient opensips = opensips(dispatcher);
        assertEquals("error", opensips.request(Requests.invite("x", null, null), Duration.ofSeconds(2)));
    }

    @Test
    void aMatchingRelayPassportLetsTheRelayIn() throws Exception {
        TestDispatcher dispatcher = dispatcher(settings -> settings.passport = Passport.parse("O:AG Projects, CN:*relay"));
        relay(dispatcher, RELAY_A, new FakeRelay("203.0.113.5"));
        assertEquals(List.of(RELAY_A), dispatcher.dispatcher.connectedRelays());
    }

    @Test
    void revokedOrForeignRelayCertificatesFailTheHandshake() throws Exception {
        TestDispatcher dispatcher = dispatcher();
        Path revoked = Files.createDirectories(runtime.resolve("revoked"));
        for (String file : List.of("ca.pem", "crl.pem")) {
            Files.copy(SAMPLE_TLS.resolve(file), revoked.resolve(file));
        }
        Files.copy(SAMPLE_TLS.resolve("revoked-relay.crt"), revoked.resolve("relay.crt"));
        Files.copy(SAMPLE_TLS.resolve("revoked-relay.key"), revoked.resolve("relay.key"));
        TestPki stranger = TestPki.create("CN=Other CA");
        try (LogCapture log = new LogCapture(PeerVerifier.class)) {
            assertRefused(dispatcher, RELAY_A, TlsCredentials.load(revoked, Role.RELAY).clientContext());
            assertRefused(dispatcher, RELAY_B, stranger.clientContext(stranger.issue("CN=MediaProxy relay")));
            eventually("both refusals logged", () -> log.count("TLS handshake with relay") == 2);
            assertTrue(log.contains("was revoked"), log.messages().toString());
        }
        assertEquals(List.of(), dispatcher.dispatcher.connectedRelays());
    }

    /**
     * With TLS 1.3 the client may finish its side of the handshake before the server has judged
     * the client certificate: refusal is then a closed connection rather than a failed connect.
     */
    private void assertRefused(TestDispatcher dispatcher, String ip, SslContext context) throws InterruptedException {
        TestRelay relay;
        try {
            relay = closeLater(TestRelay.connect(relayGroup, ip, dispatcher.relayAddress(), context, new FakeRelay("203.0.113.5")));
        } catch (Exception refused) {
            return;
        }
        assertTrue(relay.awaitClosed(WAIT), "relay " + ip + " was let in");
    }
}
