package org.mediaproxy.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mediaproxy.common.json.PythonJson;
import org.mediaproxy.common.tls.Passport;

/** The management interface over TLS with client certificates, and the passports of both listeners. */
class ManagementAndTlsTest extends EndToEndBase {

    private ManagementTestClient client(TestDispatcher dispatcher, TestPki.Identity identity) throws Exception {
        return closeLater(ManagementTestClient.tls(pki.jdkClientContext(identity), dispatcher.managementAddress()));
    }

    @Test
    void answersEveryCommandOnOneLine() throws Exception {
        TestDispatcher dispatcher = dispatcher();
        FakeRelay a = new FakeRelay("203.0.113.5");
        relay(dispatcher, RELAY_A, a);
        relay(dispatcher, RELAY_B, new FakeRelay("203.0.113.9"));
        OpenSipsTestClient opensips = opensips(dispatcher);
        assertTrue(opensips.request(Requests.invite("listed", "1", RELAY_A), Duration.ofSeconds(2)).startsWith("203.0.113.5"));
        assertTrue(opensips.request(Requests.answer("listed", "1"), Duration.ofSeconds(2)).startsWith("203.0.113.5"));

        ManagementTestClient client = client(dispatcher, clientIdentity);
        assertEquals(TestDispatcher.VERSION, client.command("version"));
        JsonNode summary = PythonJson.parse(client.command("summary"));
        assertEquals(2, summary.size());
        assertEquals(List.of("203.0.113.5", "203.0.113.9"), List.of(summary.get(0).get("ip").asText(), summary.get(1).get("ip").asText()));
        String sessions = client.command("sessions");
        assertTrue(sessions.startsWith("[{\"call_id\": \"listed\", \"from_tag\": \"caller-tag\""), sessions);
        assertEquals(1, PythonJson.parse(sessions).size(), "the empty list of relay B adds nothing");
        assertEquals("error", client.command("bogus"));
        assertEquals("error", client.command("SUMMARY"), "commands are case-sensitive");
        client.send("version\r\nversion");
        assertEquals(TestDispatcher.VERSION, client.readLine());
        assertEquals(TestDispatcher.VERSION, client.readLine());
        client.send("quit");
        assertNull(client.readLine(), "quit closes without an answer");

        ManagementTestClient other = client(dispatcher, clientIdentity);
        other.send("exit");
        assertNull(other.readLine());
    }

    @Test
    void aRelayThatDoesNotAnswerIsListedAsError() throws Exception {
        TestDispatcher dispatcher = dispatcher(settings -> settings.relayTimeout = Duration.ofMillis(300));
        relay(dispatcher, RELAY_A, new FakeRelay("203.0.113.5"));
        relay(dispatcher, RELAY_B, command -> command.name().equals("sessions") ? "[]" : null);
        ManagementTestClient client = client(dispatcher, clientIdentity);
        String summary = client.command("summary");
        assertTrue(summary.endsWith(", {\"status\": \"error\", \"ip\": \"127.0.0.3\"}]"), summary);
        assertTrue(summary.startsWith("[{\"ip\": \"203.0.113.5\", \"version\": \"4.1.2\", \"status\": \"active\""), summary);
        assertEquals("[]", client.command("sessions"), "a failing relay is left out");
    }

    @Test
    void withoutRelaysTheListsAreEmpty() throws Exception {
        TestDispatcher dispatcher = dispatcher();
        ManagementTestClient client = client(dispatcher, clientIdentity);
        assertEquals("[]", client.command("summary"));
        assertEquals("[]", client.command("sessions"));
    }

    @Test
    void theManagementPassportRefusesOtherClients() throws Exception {
        TestDispatcher dispatcher = dispatcher(settings -> settings.managementPassport = Passport.parse("O:Other"));
        ManagementTestClient client;
        try {
            client = client(dispatcher, clientIdentity);
            client.send("version");
        } catch (IOException e) {
            return; // refused while the handshake was finishing: just as good
        }
        assertNull(client.readLine(), "the connection is closed without an answer");
    }

    @Test
    void aClientCertificateFromAnotherAuthorityIsRejected() throws Exception {
        TestDispatcher dispatcher = dispatcher();
        TestPki stranger = TestPki.create("CN=Other CA");
        TestPki.Identity outsider = stranger.issue("CN=intruder, O=AG Projects");
        SslContextPair contexts = new SslContextPair(stranger, outsider);
        assertThrows(IOException.class, () -> {
            ManagementTestClient client = ManagementTestClient.tls(contexts.jdk(), dispatcher.managementAddress());
            closeLater(client);
            client.send("version");
            if (client.readLine() == null) {
                throw new IOException("closed");
            }
        });
    }

    @Test
    void plainTcpManagementWhenTlsIsOff() throws Exception {
        TestDispatcher dispatcher = dispatcher(settings -> settings.managementTls = false);
        ManagementTestClient client = closeLater(ManagementTestClient.plain(dispatcher.managementAddress()));
        assertEquals(TestDispatcher.VERSION, client.command("version"));
    }

    @Test
    void theRelayPassportRefusesOtherRelays() throws Exception {
        TestDispatcher dispatcher = dispatcher(settings -> settings.passport = Passport.parse("CN:relay*"));
        try (LogCapture log = new LogCapture(PassportGate.class)) {
            TestRelay refused = closeLater(TestRelay.connect(relayGroup, RELAY_A, dispatcher.relayAddress(),
                    pki.clientContext(relayIdentity), new FakeRelay("203.0.113.5")));
            assertTrue(refused.awaitClosed(WAIT));
            assertTrue(log.contains("refused due to wrong passport"), log.messages().toString());
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
    void aRelayCertificateFromAnotherAuthorityFailsTheHandshake() throws Exception {
        TestDispatcher dispatcher = dispatcher();
        TestPki stranger = TestPki.create("CN=Other CA");
        try (LogCapture log = new LogCapture(PassportGate.class)) {
            assertThrows(Exception.class, () -> closeLater(TestRelay.connect(relayGroup, RELAY_A, dispatcher.relayAddress(),
                    stranger.clientContext(stranger.issue("CN=MediaProxy relay")), new FakeRelay("203.0.113.5"))));
            eventually("handshake failure logged", () -> log.contains("TLS handshake with relay"));
            assertEquals(1, log.count("TLS handshake with relay"), "logged once: " + log.messages());
        }
        assertEquals(List.of(), dispatcher.dispatcher.connectedRelays());
    }

    /** A client identity from another authority that still trusts our dispatcher's CA. */
    private record SslContextPair(TestPki authority, TestPki.Identity identity) {
        javax.net.ssl.SSLContext jdk() throws Exception {
            return authority.jdkClientContext(identity);
        }
    }
}
