package org.mediaproxy.common.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Loading credentials: every problem is reported with the file it concerns. */
class TlsCredentialsTest {

    @TempDir
    Path certs;

    private final TestPki pki = TestPki.create();

    @ParameterizedTest
    @ValueSource(strings = {"ca.pem", "crl.pem", "relay.crt", "relay.key"})
    void missingFileIsNamed(String name) throws IOException {
        pki.writeCertsDirectory(certs);
        Files.delete(certs.resolve(name));

        TlsCredentialsException e = assertThrows(TlsCredentialsException.class, () -> TlsCredentials.load(certs, Role.RELAY));

        assertEquals(certs.resolve(name), e.file());
        assertEquals("TLS credential file " + certs.resolve(name) + " is missing", e.getMessage());
    }

    @Test
    void eachRoleReadsItsOwnFiles() {
        pki.writeAuthority(certs);
        pki.issue(TestPki.MANAGEMENT_SUBJECT).write(certs, Role.MANAGEMENT_CLIENT);

        assertEquals("CN=MediaProxy management,OU=MediaProxy,O=AG Projects,C=NL",
                TlsCredentials.load(certs, Role.MANAGEMENT_CLIENT).certificate().getSubjectX500Principal().getName());
        TlsCredentialsException e = assertThrows(TlsCredentialsException.class,
                () -> TlsCredentials.load(certs, Role.DISPATCHER));
        assertEquals(certs.resolve("dispatcher.crt"), e.file());
    }

    @Test
    void emptyFilesAreNamed() throws IOException {
        pki.writeCertsDirectory(certs);
        Files.writeString(certs.resolve("relay.crt"), "");
        TlsCredentialsException e = assertThrows(TlsCredentialsException.class, () -> TlsCredentials.load(certs, Role.RELAY));
        assertEquals("TLS credential file " + certs.resolve("relay.crt") + " holds no certificate", e.getMessage());

        Files.writeString(certs.resolve("crl.pem"), "");
        e = assertThrows(TlsCredentialsException.class, () -> TlsCredentials.load(certs, Role.RELAY));
        assertEquals("TLS credential file " + certs.resolve("crl.pem") + " holds no certificate revocation list",
                e.getMessage());

        pki.writeCertsDirectory(certs);
        Files.writeString(certs.resolve("relay.key"), "");
        e = assertThrows(TlsCredentialsException.class, () -> TlsCredentials.load(certs, Role.RELAY));
        assertEquals("TLS credential file " + certs.resolve("relay.key") + " holds no private key", e.getMessage());
    }

    @Test
    void garbageIsNamed() throws IOException {
        pki.writeCertsDirectory(certs);
        Files.writeString(certs.resolve("ca.pem"), "not a certificate\n");

        TlsCredentialsException e = assertThrows(TlsCredentialsException.class, () -> TlsCredentials.load(certs, Role.RELAY));

        assertEquals("TLS credential file " + certs.resolve("ca.pem")
                + " is not a readable PEM certificate: No certificate data found", e.getMessage());
    }

    @Test
    void directoryInsteadOfFileIsNamed() throws IOException {
        pki.writeCertsDirectory(certs);
        Files.delete(certs.resolve("ca.pem"));
        Files.createDirectory(certs.resolve("ca.pem"));

        TlsCredentialsException e = assertThrows(TlsCredentialsException.class, () -> TlsCredentials.load(certs, Role.RELAY));

        assertTrue(e.getMessage().startsWith("TLS credential file " + certs.resolve("ca.pem") + " is not readable"),
                e.getMessage());
    }

    @Test
    void passphraseProtectedKeyIsRefusedWithAReason() {
        pki.writeCertsDirectory(certs);
        pki.issue(TestPki.RELAY_SUBJECT).writeEncrypted(certs, Role.RELAY, "secret");

        TlsCredentialsException e = assertThrows(TlsCredentialsException.class, () -> TlsCredentials.load(certs, Role.RELAY));

        assertEquals("TLS credential file " + certs.resolve("relay.key")
                + " holds a passphrase-protected key; MediaProxy needs the key without a passphrase", e.getMessage());
    }

    @Test
    void keyOfAnotherCertificateIsRefused() throws IOException {
        pki.writeCertsDirectory(certs);
        Files.copy(certs.resolve("dispatcher.key"), certs.resolve("relay.key"), StandardCopyOption.REPLACE_EXISTING);

        TlsCredentialsException e = assertThrows(TlsCredentialsException.class, () -> TlsCredentials.load(certs, Role.RELAY));

        assertEquals("TLS credential file " + certs.resolve("relay.key") + " does not hold the private key of "
                + certs.resolve("relay.crt"), e.getMessage());
    }

    @Test
    void revocationListOfAnotherCaIsRefused() {
        pki.writeCertsDirectory(certs);
        TestPki.create("CN=Other CA").writeRevocationList(certs);

        TlsCredentialsException e = assertThrows(TlsCredentialsException.class, () -> TlsCredentials.load(certs, Role.RELAY));

        assertEquals("TLS credential file " + certs.resolve("crl.pem")
                + " holds a revocation list from 'CN=Other CA' that no CA in ca.pem signed", e.getMessage());
    }

    @Test
    void pkcs1AndPkcs8RsaKeysBothLoad() throws IOException {
        pki.writeCertsDirectory(certs);
        pki.issue(TestPki.RELAY_SUBJECT).writeTraditional(certs, Role.RELAY);

        assertTrue(Files.readString(certs.resolve("relay.key")).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
        assertTrue(Files.readString(certs.resolve("dispatcher.key")).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertTrue(TlsCredentials.load(certs, Role.RELAY).clientContext().isClient());
        assertTrue(TlsCredentials.load(certs, Role.DISPATCHER).serverContext().isServer());
    }
}
