package org.mediaproxy.common.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mediaproxy.common.testing.MutableClock;

/**
 * Real mutual TLS on loopback between a dispatcher-like server and relay-like clients, with
 * credentials from a CA made at test time: what is refused, what is logged, what gets closed.
 */
class PeerVerificationTest {

    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Passport RELAY_PASSPORT = Passport.parse("O:AG Projects, CN:*relay");
    private static final Passport DISPATCHER_PASSPORT = Passport.parse("CN:*dispatcher");

    @TempDir
    Path dispatcherDir;
    @TempDir
    Path relayDir;

    private final TestPki pki = TestPki.create();
    private final LoopbackTls tls = new LoopbackTls();
    private final LogCapture logs = new LogCapture("org.mediaproxy.common.tls");
    private TestPki.Issued relayCertificate;

    @BeforeEach
    void writeCredentials() {
        pki.writeAuthority(dispatcherDir);
        pki.issue(TestPki.DISPATCHER_SUBJECT).write(dispatcherDir, Role.DISPATCHER);
        pki.writeAuthority(relayDir);
        relayCertificate = pki.issue(TestPki.RELAY_SUBJECT);
        relayCertificate.write(relayDir, Role.RELAY);
    }

    @AfterEach
    void tearDown() {
        tls.close();
        logs.close();
    }

    @Test
    void relayFromAnotherCaIsRefused() throws Exception {
        // Same CA name, different key: only the signature tells them apart.
        TestPki.create().issue(TestPki.RELAY_SUBJECT).write(relayDir, Role.RELAY);

        Connection connection = connect(RELAY_PASSPORT, DISPATCHER_PASSPORT);

        connection.assertRefused("TLS handshake with relay 127.0.0.1 failed: certificate "
                + "'CN=MediaProxy relay,OU=MediaProxy,O=AG Projects,C=NL' is not signed by the CA in ca.pem");
    }

    @Test
    void dispatcherFromAnotherCaIsRefusedByTheRelay() throws Exception {
        TestPki.create().issue(TestPki.DISPATCHER_SUBJECT).write(dispatcherDir, Role.DISPATCHER);

        Connection connection = connect(RELAY_PASSPORT, DISPATCHER_PASSPORT);

        String line = logs.awaitWarning(l -> l.startsWith("TLS handshake with dispatcher 127.0.0.1:"), WAIT);
        assertTrue(line.endsWith("failed: certificate 'CN=MediaProxy dispatcher,OU=MediaProxy,O=AG Projects,C=NL'"
                + " is not signed by the CA in ca.pem (issuer 'CN=MediaProxy test CA,O=MediaProxy tests')"), line);
        connection.assertBothClosed();
        assertFalse(connection.relay.verified.isDone());
    }

    @Test
    void expiredRelayCertificateIsRefused() throws Exception {
        Instant now = Instant.now();
        pki.issue(TestPki.RELAY_SUBJECT, now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)))
                .write(relayDir, Role.RELAY);

        Connection connection = connect(RELAY_PASSPORT, DISPATCHER_PASSPORT);

        String line = connection.assertRefused("TLS handshake with relay 127.0.0.1 failed: certificate "
                + "'CN=MediaProxy relay,OU=MediaProxy,O=AG Projects,C=NL' expired on ");
        assertFalse(line.contains("Exception"), line);
    }

    @Test
    void revokedRelayIsRefused() throws Exception {
        pki.writeRevocationList(dispatcherDir, relayCertificate.certificate());

        Connection connection = connect(RELAY_PASSPORT, DISPATCHER_PASSPORT);

        String line = connection.assertRefused("TLS handshake with relay 127.0.0.1 failed: certificate "
                + "'CN=MediaProxy relay,OU=MediaProxy,O=AG Projects,C=NL' (serial 0x"
                + relayCertificate.certificate().getSerialNumber().toString(16) + ") was revoked on ");
        assertTrue(line.endsWith("(crl.pem)"), line);
    }

    @Test
    void relayWithTheWrongPassportIsRefusedAndItsDataNeverPassesTheVerifier() throws Exception {
        Connection connection = connect(Passport.parse("O:AG Projects, CN:relay*"), DISPATCHER_PASSPORT);

        connection.assertRefused("refused relay 127.0.0.1: wrong passport (subject "
                + "'CN=MediaProxy relay,OU=MediaProxy,O=AG Projects,C=NL' does not match passport 'O:AG Projects, CN:relay*')");
        // With TLS 1.3 the relay finished its handshake first and said hello; it was dropped.
        assertFalse(connection.dispatcher.received.isDone());
    }

    @Test
    void dispatcherWithTheWrongPassportIsRefusedByTheRelay() throws Exception {
        Connection connection = connect(RELAY_PASSPORT, Passport.parse("O:Other"));

        String line = logs.awaitWarning(l -> l.startsWith("refused dispatcher 127.0.0.1:"), WAIT);
        assertTrue(line.endsWith(": wrong passport (subject 'CN=MediaProxy dispatcher,OU=MediaProxy,O=AG Projects,C=NL'"
                + " does not match passport 'O:Other')"), line);
        connection.assertBothClosed();
    }

    @Test
    void relayCertificateWithoutClientUsageIsRefused() throws Exception {
        Instant now = Instant.now();
        pki.issue(TestPki.RELAY_SUBJECT, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)),
                KeyPurposeId.id_kp_serverAuth).write(relayDir, Role.RELAY);

        Connection connection = connect(RELAY_PASSPORT, DISPATCHER_PASSPORT);

        connection.assertRefused("TLS handshake with relay 127.0.0.1 failed: certificate "
                + "'CN=MediaProxy relay,OU=MediaProxy,O=AG Projects,C=NL' may not act as TLS client "
                + "(its extendedKeyUsage lacks clientAuth)");
    }

    @Test
    void ecKeyInTraditionalFormWorks() throws Exception {
        pki.issueEc(TestPki.RELAY_SUBJECT).writeTraditional(relayDir, Role.RELAY);
        assertTrue(Files.readString(relayDir.resolve("relay.key")).contains("BEGIN EC PRIVATE KEY"));

        Connection connection = connect(RELAY_PASSPORT, DISPATCHER_PASSPORT);

        connection.assertTalking();
    }

    @Test
    void crlReplacedOnDiskRefusesNewConnectionsAndDropsTheLiveOneAtTheNextCheck() throws Exception {
        TlsCredentials dispatcher = TlsCredentials.load(dispatcherDir, Role.DISPATCHER);
        TlsCredentials relay = TlsCredentials.load(relayDir, Role.RELAY);
        InetSocketAddress address = tls.serve(dispatcher, RELAY_PASSPORT, Duration.ofMillis(300));
        Connection live = new Connection(tls.connect(address, relay, DISPATCHER_PASSPORT, HOUR), tls.accepted());
        live.assertTalking();

        pki.writeRevocationList(dispatcherDir, relayCertificate.certificate());

        Connection fresh = new Connection(tls.connect(address, relay, DISPATCHER_PASSPORT, HOUR), tls.accepted());
        fresh.assertBothClosed();
        assertFalse(fresh.dispatcher.verified.isDone());
        String dropped = logs.awaitWarning(l -> l.startsWith("dropped relay 127.0.0.1: "), WAIT);
        assertTrue(dropped.contains("its certificate is no longer valid: certificate "
                + "'CN=MediaProxy relay,OU=MediaProxy,O=AG Projects,C=NL' (serial 0x"), dropped);
        live.assertBothClosed();
        assertTrue(logs.warningLines().stream().anyMatch(l -> l.startsWith("TLS handshake with relay 127.0.0.1 failed: ")
                && l.contains("was revoked on")), logs.warningLines().toString());
    }

    @Test
    void certificateExpiringDuringTheConnectionDropsIt() throws Exception {
        MutableClock clock = new MutableClock();
        TlsCredentials dispatcher = TlsCredentials.load(dispatcherDir, Role.DISPATCHER, clock);
        InetSocketAddress address = tls.serve(dispatcher, RELAY_PASSPORT, Duration.ofMillis(200));
        Connection connection = new Connection(
                tls.connect(address, TlsCredentials.load(relayDir, Role.RELAY), DISPATCHER_PASSPORT, HOUR),
                tls.accepted());
        connection.assertTalking();

        clock.advance(Duration.ofDays(400));

        String line = logs.awaitWarning(l -> l.startsWith("dropped relay 127.0.0.1: "), WAIT);
        assertTrue(line.endsWith("its certificate is no longer valid: certificate "
                + "'CN=MediaProxy relay,OU=MediaProxy,O=AG Projects,C=NL' expired on "
                + relayCertificate.certificate().getNotAfter().toInstant()), line);
        connection.assertBothClosed();
    }

    @Test
    void replacedOwnCertificateIsPresentedOnTheNextConnection() throws Exception {
        TlsCredentials dispatcher = TlsCredentials.load(dispatcherDir, Role.DISPATCHER);
        TlsCredentials relay = TlsCredentials.load(relayDir, Role.RELAY);
        InetSocketAddress address = tls.serve(dispatcher, RELAY_PASSPORT, HOUR);
        LoopbackTls.End first = tls.connect(address, relay, DISPATCHER_PASSPORT, HOUR);
        assertEquals("CN=MediaProxy dispatcher,OU=MediaProxy,O=AG Projects,C=NL",
                first.verified.get(5, TimeUnit.SECONDS).subject().getName());

        pki.issue("CN=MediaProxy second dispatcher, OU=MediaProxy, O=AG Projects, C=NL")
                .write(dispatcherDir, Role.DISPATCHER);

        LoopbackTls.End second = tls.connect(address, relay, DISPATCHER_PASSPORT, HOUR);
        assertEquals("CN=MediaProxy second dispatcher,OU=MediaProxy,O=AG Projects,C=NL",
                second.verified.get(5, TimeUnit.SECONDS).subject().getName());
        assertTrue(first.channel.isActive(), "a live connection keeps going");
    }

    @Test
    void unreadableReplacementKeepsThePreviousCredentials() throws Exception {
        TlsCredentials dispatcher = TlsCredentials.load(dispatcherDir, Role.DISPATCHER);
        InetSocketAddress address = tls.serve(dispatcher, RELAY_PASSPORT, HOUR);

        Files.writeString(dispatcherDir.resolve("crl.pem"), "half a file");

        Connection connection = new Connection(
                tls.connect(address, TlsCredentials.load(relayDir, Role.RELAY), DISPATCHER_PASSPORT, HOUR),
                tls.accepted());
        connection.assertTalking();
        List<String> warnings = logs.warningLines();
        assertEquals(1, warnings.size(), warnings.toString());
        assertEquals("TLS credential file " + dispatcherDir.resolve("crl.pem")
                + " is not a readable PEM revocation list: No CRL data found; still using the TLS credentials loaded before", warnings.get(0));
    }

    private Connection connect(Passport dispatcherPassport, Passport relayPassport) throws Exception {
        InetSocketAddress address = tls.serve(TlsCredentials.load(dispatcherDir, Role.DISPATCHER), dispatcherPassport, HOUR);
        LoopbackTls.End relay = tls.connect(address, TlsCredentials.load(relayDir, Role.RELAY), relayPassport, HOUR);
        return new Connection(relay, tls.accepted());
    }

    /** Both ends of one connection. */
    private final class Connection {
        final LoopbackTls.End relay;
        final LoopbackTls.End dispatcher;

        Connection(LoopbackTls.End relay, LoopbackTls.End dispatcher) {
            this.relay = relay;
            this.dispatcher = dispatcher;
        }

        void assertTalking() throws Exception {
            assertEquals("hello\n", dispatcher.received.get(5, TimeUnit.SECONDS));
            assertEquals("hello\n", relay.received.get(5, TimeUnit.SECONDS));
        }

        void assertBothClosed() {
            assertTrue(dispatcher.closedWithin(WAIT), "dispatcher end still open");
            assertTrue(relay.closedWithin(WAIT), "relay end still open");
        }

        /** The dispatcher logged exactly one line about this relay, starting with {@code expected}, and closed. */
        String assertRefused(String expected) throws Exception {
            String line = logs.awaitWarning(l -> l.startsWith(expected), WAIT);
            assertBothClosed();
            assertFalse(dispatcher.verified.isDone(), "the protocol handler was told to start");
            List<String> aboutRelay = logs.warningLines().stream().filter(l -> l.contains(" relay 127.0.0.1")).toList();
            assertEquals(List.of(line), aboutRelay);
            assertNull(logs.warnings().stream().filter(e -> e.getFormattedMessage().equals(line)).findFirst()
                    .orElseThrow().getThrowableProxy(), "no stack trace in the log line");
            return line;
        }
    }
}
