package org.mediaproxy.common.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed sample credentials in tls/ (NOT FOR PRODUCTION) work as documented. */
class SampleCredentialsTest {

    private static final Path SAMPLES = TlsSamples.directory();

    private static final Duration HOUR = Duration.ofHours(1);

    private final LoopbackTls tls = new LoopbackTls();
    private final LogCapture logs = new LogCapture("org.mediaproxy.common.tls");

    @AfterEach
    void tearDown() {
        tls.close();
        logs.close();
    }

    @Test
    void everySampleFileSaysItIsNotForProduction() throws IOException {
        try (Stream<Path> files = Files.list(SAMPLES)) {
            List<Path> all = files.toList();
            assertTrue(all.size() >= 12, "sample files: " + all);
            for (Path file : all) {
                assertTrue(Files.readString(file).contains("NOT FOR PRODUCTION"), file + " lacks the warning");
            }
        }
    }

    @Test
    void pkcs1AndPkcs8KeysBothLoad() throws IOException {
        assertTrue(Files.readString(SAMPLES.resolve("relay.key")).contains("-----BEGIN RSA PRIVATE KEY-----"));
        assertTrue(Files.readString(SAMPLES.resolve("dispatcher.key")).contains("-----BEGIN PRIVATE KEY-----"));
        assertTrue(Files.readString(SAMPLES.resolve("management.key")).contains("-----BEGIN PRIVATE KEY-----"));

        TlsCredentials relay = TlsCredentials.load(SAMPLES, Role.RELAY);
        TlsCredentials dispatcher = TlsCredentials.load(SAMPLES, Role.DISPATCHER);
        TlsCredentials management = TlsCredentials.load(SAMPLES, Role.MANAGEMENT_CLIENT);

        assertEquals("CN=MediaProxy relay,OU=MediaProxy,O=AG Projects,C=NL",
                relay.certificate().getSubjectX500Principal().getName());
        assertEquals("CN=MediaProxy dispatcher,OU=MediaProxy,O=AG Projects,C=NL",
                dispatcher.certificate().getSubjectX500Principal().getName());
        assertEquals("CN=MediaProxy management,OU=MediaProxy,O=AG Projects,C=NL",
                management.certificate().getSubjectX500Principal().getName());
        assertTrue(relay.clientContext().isClient());
        assertTrue(dispatcher.serverContext().isServer());
        assertTrue(management.clientContext().isClient());
        assertTrue(logs.warningLines().isEmpty(), "unexpected warnings: " + logs.warningLines());
    }

    @Test
    void relayAndDispatcherVerifyEachOtherWithTheUsualPassports() throws Exception {
        InetSocketAddress address = tls.serve(TlsCredentials.load(SAMPLES, Role.DISPATCHER),
                Passport.parse("O:AG Projects, CN:*relay"), HOUR);
        LoopbackTls.End relay = tls.connect(address, TlsCredentials.load(SAMPLES, Role.RELAY),
                Passport.parse("CN:*dispatcher"), HOUR);
        LoopbackTls.End dispatcher = tls.accepted();

        assertEquals("CN=MediaProxy dispatcher,OU=MediaProxy,O=AG Projects,C=NL",
                relay.verified.get(5, TimeUnit.SECONDS).subject().getName());
        assertEquals("CN=MediaProxy relay,OU=MediaProxy,O=AG Projects,C=NL",
                dispatcher.verified.get(5, TimeUnit.SECONDS).subject().getName());
        assertEquals("hello\n", dispatcher.received.get(5, TimeUnit.SECONDS));
        assertEquals("hello\n", relay.received.get(5, TimeUnit.SECONDS));
        assertTrue(relay.channel.isActive());
        assertTrue(logs.warningLines().isEmpty(), "unexpected warnings: " + logs.warningLines());
    }

    @Test
    void managementClientCertificateIsAcceptedOnTheDispatcherPort() throws Exception {
        InetSocketAddress address = tls.serve(TlsCredentials.load(SAMPLES, Role.DISPATCHER),
                Passport.parse("OU:MediaProxy, CN:*management"), HOUR);
        LoopbackTls.End client = tls.connect(address, TlsCredentials.load(SAMPLES, Role.MANAGEMENT_CLIENT),
                Passport.NONE, HOUR);

        assertNotNull(tls.accepted().verified.get(5, TimeUnit.SECONDS));
        assertEquals("hello\n", client.received.get(5, TimeUnit.SECONDS));
    }

    @Test
    void revokedSampleRelayIsRefused(@TempDir Path certs) throws Exception {
        for (String name : List.of("ca.pem", "crl.pem", "dispatcher.crt", "dispatcher.key")) {
            Files.copy(SAMPLES.resolve(name), certs.resolve(name));
        }
        Files.copy(SAMPLES.resolve("revoked-relay.crt"), certs.resolve("relay.crt"));
        Files.copy(SAMPLES.resolve("revoked-relay.key"), certs.resolve("relay.key"));
        InetSocketAddress address = tls.serve(TlsCredentials.load(certs, Role.DISPATCHER),
                Passport.parse("O:AG Projects, CN:*relay"), HOUR);
        TlsCredentials revoked = TlsCredentials.load(certs, Role.RELAY);
        assertTrue(logs.warningLines().stream().anyMatch(line -> line.contains("peers will refuse our own certificate")),
                "loading a revoked certificate warns: " + logs.warningLines());

        LoopbackTls.End relay = tls.connect(address, revoked, Passport.parse("CN:*dispatcher"), HOUR);
        LoopbackTls.End dispatcher = tls.accepted();

        String line = logs.awaitWarning(l -> l.startsWith("TLS handshake with relay 127.0.0.1 failed"), Duration.ofSeconds(5));
        assertTrue(line.contains("'CN=MediaProxy revoked relay,OU=MediaProxy,O=AG Projects,C=NL'"), line);
        assertTrue(line.contains("was revoked on"), line);
        assertTrue(dispatcher.closedWithin(Duration.ofSeconds(5)));
        assertTrue(relay.closedWithin(Duration.ofSeconds(5)));
        assertFalse(dispatcher.verified.isDone());
        assertFalse(dispatcher.received.isDone());
    }
}
