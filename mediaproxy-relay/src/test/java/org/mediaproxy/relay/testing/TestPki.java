package org.mediaproxy.relay.testing;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throw-away certificate authority and the identities it signs, made at test time. */
public final class TestPki {

    /** A certificate with its key. */
    public record Identity(X509Certificate certificate, PrivateKey key) {
    }

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final Identity ca;

    private TestPki(Identity ca) {
        this.ca = ca;
    }

    public static TestPki create() {
        try {
            KeyPair keys = keyPair();
            X500Name name = new X500Name("CN=MediaProxy test CA,O=AG Projects");
            JcaX509v3CertificateBuilder builder = builder(name, name, keys);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new TestPki(new Identity(sign(builder, keys.getPrivate()), keys.getPrivate()));
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    public X509Certificate caCertificate() {
        return ca.certificate();
    }

    /** A certificate for TLS server and client use, e.g. {@code CN=MediaProxy relay,OU=MediaProxy,O=AG Projects}. */
    public Identity issue(String subject) {
        try {
            KeyPair keys = keyPair();
            JcaX509v3CertificateBuilder builder = builder(
                    X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()), new X500Name(subject), keys);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            return new Identity(sign(builder, ca.key()), keys.getPrivate());
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    public SslContext serverContext(Identity identity) throws SSLException {
        return SslContextBuilder.forServer(identity.key(), identity.certificate())
                .trustManager(ca.certificate())
                .clientAuth(ClientAuth.REQUIRE)
                // Relays are known by their CA and passport, not by host name; Netty 4.2 would check it.
                .endpointIdentificationAlgorithm(null)
                .build();
    }

    public SslContext clientContext(Identity identity) throws SSLException {
        return SslContextBuilder.forClient()
                .keyManager(identity.key(), identity.certificate())
                .trustManager(ca.certificate())
                .build();
    }

    /** Writes {@code ca.pem}, an empty {@code crl.pem} and {@code <role>.crt}/{@code <role>.key} into {@code dir}. */
    public void writeFiles(Path dir, String role, Identity identity) throws IOException {
        Files.createDirectories(dir);
        writePem(dir.resolve("ca.pem"), ca.certificate());
        writePem(dir.resolve("crl.pem"), emptyCrl());
        writePem(dir.resolve(role + ".crt"), identity.certificate());
        writePem(dir.resolve(role + ".key"), new JcaPKCS8Generator(identity.key(), null));
    }

    private X509CRL emptyCrl() {
        try {
            X509v2CRLBuilder builder = new X509v2CRLBuilder(
                    X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()), new Date());
            builder.setNextUpdate(Date.from(Instant.now().plus(Duration.ofDays(30))));
            return new JcaX509CRLConverter().getCRL(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.key())));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writePem(Path file, Object object) throws IOException {
        try (Writer writer = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(writer)) {
            pem.writeObject(object);
        }
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(30))), subject, keys.getPublic());
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder builder, PrivateKey issuerKey)
            throws GeneralSecurityException, OperatorCreationException {
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey);
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }
}
