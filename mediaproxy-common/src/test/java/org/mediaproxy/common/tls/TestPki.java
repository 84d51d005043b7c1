package org.mediaproxy.common.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.util.io.pem.PemGenerationException;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority for tests, made with BouncyCastle: issues certificates
 * with any subject, purpose and validity, and revocation lists, and writes them in the
 * {@code [TLS] certs_path} layout. Other modules get it through mediaproxy-common's test-jar.
 */
public final class TestPki {

    /** Subjects of the sample certificates in tls/, so that passports from real configs match. */
    public static final String DISPATCHER_SUBJECT = "CN=MediaProxy dispatcher, OU=MediaProxy, O=AG Projects, C=NL";
    public static final String RELAY_SUBJECT = "CN=MediaProxy relay, OU=MediaProxy, O=AG Projects, C=NL";
    public static final String MANAGEMENT_SUBJECT = "CN=MediaProxy management, OU=MediaProxy, O=AG Projects, C=NL";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyPair caKeys;
    private final X509Certificate caCertificate;

    private TestPki(KeyPair caKeys, X509Certificate caCertificate) {
        this.caKeys = caKeys;
        this.caCertificate = caCertificate;
    }

    /** A new CA named "MediaProxy test CA"; two of them share the name but not the key. */
    public static TestPki create() {
        return create("CN=MediaProxy test CA, O=MediaProxy tests");
    }

    public static TestPki create(String caSubject) {
        KeyPair keys = rsaKeys();
        X500Principal name = new X500Principal(caSubject);
        Instant now = Instant.now();
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))), name,
                    keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new TestPki(keys, certificate(builder.build(signer(keys.getPrivate()))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public X509Certificate caCertificate() {
        return caCertificate;
    }

    /** A certificate for TLS server and client use, valid from yesterday for a year. */
    public Issued issue(String subject) {
        Instant now = Instant.now();
        return issue(subject, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)));
    }

    public Issued issue(String subject, Instant notBefore, Instant notAfter) {
        return issue(subject, notBefore, notAfter, KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth);
    }

    public Issued issue(String subject, Instant notBefore, Instant notAfter, KeyPurposeId... purposes) {
        return issue(subject, rsaKeys(), notBefore, notAfter, purposes);
    }

    /** As {@link #issue(String)} with an EC (P-256) key. */
    public Issued issueEc(String subject) {
        Instant now = Instant.now();
        return issue(subject, ecKeys(), now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)),
                KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth);
    }

    private Issued issue(String subject, KeyPair keys, Instant notBefore, Instant notAfter, KeyPurposeId... purposes) {
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCertificate, serial(),
                    Date.from(notBefore), Date.from(notAfter), new X500Principal(subject), keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
            return new Issued(certificate(builder.build(signer(caKeys.getPrivate()))), keys.getPrivate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A CRL valid for a year listing {@code revoked}. */
    public X509CRL revocationList(X509Certificate... revoked) {
        Instant now = Instant.now();
        X509v2CRLBuilder builder = new X509v2CRLBuilder(
                X500Name.getInstance(caCertificate.getSubjectX500Principal().getEncoded()),
                Date.from(now.minus(Duration.ofMinutes(1))));
        builder.setNextUpdate(Date.from(now.plus(Duration.ofDays(365))));
        for (X509Certificate certificate : revoked) {
            builder.addCRLEntry(certificate.getSerialNumber(), Date.from(now), CRLReason.keyCompromise);
        }
        try {
            return new JcaX509CRLConverter().getCRL(builder.build(signer(caKeys.getPrivate())));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes ca.pem and a crl.pem listing {@code revoked}. */
    public void writeAuthority(Path directory, X509Certificate... revoked) {
        write(directory.resolve("ca.pem"), pem(caCertificate));
        writeRevocationList(directory, revoked);
    }

    public void writeRevocationList(Path directory, X509Certificate... revoked) {
        write(directory.resolve("crl.pem"), pem(revocationList(revoked)));
    }

    /**
     * A complete certs_path: ca.pem, an empty crl.pem, and dispatcher, relay and management
     * credentials with the sample subjects.
     */
    public Path writeCertsDirectory(Path directory) {
        writeAuthority(directory);
        issue(DISPATCHER_SUBJECT).write(directory, Role.DISPATCHER);
        issue(RELAY_SUBJECT).write(directory, Role.RELAY);
        issue(MANAGEMENT_SUBJECT).write(directory, Role.MANAGEMENT_CLIENT);
        return directory;
    }

    /** A certificate and its key. */
    public record Issued(X509Certificate certificate, PrivateKey key) {

        /** Writes the role's .crt and a PKCS#8 .key. */
        public void write(Path directory, Role role) {
            TestPki.write(directory.resolve(role.certificateFile()), pem(certificate));
            TestPki.write(directory.resolve(role.keyFile()), pkcs8(key, null));
        }

        /** Writes the role's .crt and the key in the traditional form: PKCS#1 for RSA, SEC1 for EC. */
        public void writeTraditional(Path directory, Role role) {
            TestPki.write(directory.resolve(role.certificateFile()), pem(certificate));
            TestPki.write(directory.resolve(role.keyFile()), key instanceof ECPrivateKey ec ? sec1(ec) : pem(key));
        }

        /** As openssl writes it, with curve and public key (BouncyCastle's writer would leave both out). */
        private String sec1(ECPrivateKey ec) {
            SubjectPublicKeyInfo publicKey = SubjectPublicKeyInfo.getInstance(certificate.getPublicKey().getEncoded());
            var encoded = new org.bouncycastle.asn1.sec.ECPrivateKey(ec.getParams().getOrder().bitLength(), ec.getS(),
                    new DERBitString(publicKey.getPublicKeyData().getBytes()), publicKey.getAlgorithm().getParameters());
            try {
                return pem(new PemObject("EC PRIVATE KEY", encoded.getEncoded()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Writes the role's .crt and a .key encrypted with {@code passphrase}. */
        public void writeEncrypted(Path directory, Role role, String passphrase) {
            try {
                var encryptor = new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
                        .setProvider(new BouncyCastleProvider()).setPassword(passphrase.toCharArray()).build();
                TestPki.write(directory.resolve(role.certificateFile()), pem(certificate));
                TestPki.write(directory.resolve(role.keyFile()), pkcs8(key, encryptor));
            } catch (OperatorCreationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static String pkcs8(PrivateKey key, OutputEncryptor encryptor) {
        try {
            return pem(new JcaPKCS8Generator(key, encryptor));
        } catch (PemGenerationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(Object object) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    private static void write(Path file, String content) {
        try {
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KeyPair rsaKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair ecKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(63, RANDOM).add(BigInteger.ONE);
    }

    private static ContentSigner signer(PrivateKey key) {
        try {
            return new JcaContentSignerBuilder("SHA256withRSA").build(key);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate certificate(X509CertificateHolder holder) {
        try {
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
