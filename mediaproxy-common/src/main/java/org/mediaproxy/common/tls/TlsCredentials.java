package org.mediaproxy.common.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS credentials in {@code [TLS] certs_path}: {@code ca.pem}, {@code crl.pem} and the
 * certificate/key pair of one {@link Role}. Every use checks the files' modification times, so
 * a replaced CRL, CA or certificate takes effect for the next handshake and the next periodic
 * re-verification without a restart. A replacement that cannot be read is logged once and the
 * previous credentials stay in use (an operator copying files one by one must not cut links).
 *
 * <p>Thread-safe: handshakes on any event loop may use one instance.
 */
public final class TlsCredentials {

    private static final Logger log = LoggerFactory.getLogger(TlsCredentials.class);

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final Map<String, String> KEY_CHECK_SIGNATURES =
            Map.of("RSA", "SHA256withRSA", "EC", "SHA256withECDSA");

    private final Path directory;
    private final Role role;
    private final Clock clock;
    private final List<Path> files;
    private volatile Loaded loaded;
    private List<FileStamp> failedStamps;

    private TlsCredentials(Path directory, Role role, Clock clock) {
        this.directory = directory;
        this.role = role;
        this.clock = clock;
        this.files = List.of(directory.resolve("ca.pem"), directory.resolve("crl.pem"),
                directory.resolve(role.certificateFile()), directory.resolve(role.keyFile()));
    }

    /**
     * Reads {@code ca.pem}, {@code crl.pem} and the role's certificate and key from {@code certsDir}.
     *
     * @throws TlsCredentialsException naming the file that is missing, unreadable or unusable
     */
    public static TlsCredentials load(Path certsDir, Role role) {
        return load(certsDir, role, Clock.systemUTC());
    }

    /** As {@link #load(Path, Role)}, judging certificate validity dates by {@code clock}. */
    public static TlsCredentials load(Path certsDir, Role role, Clock clock) {
        TlsCredentials credentials = new TlsCredentials(certsDir, role, clock);
        credentials.loaded = credentials.read(FileStamp.of(credentials.files));
        return credentials;
    }

    public Path directory() {
        return directory;
    }

    public Role role() {
        return role;
    }

    /** Our own certificate as currently loaded (for logging who we are). */
    public X509Certificate certificate() {
        return current().chain.get(0);
    }

    /**
     * Context for accepting connections (relays and management clients): TLS 1.2/1.3 with the
     * JDK provider, a client certificate REQUIRED and checked against {@code ca.pem} and
     * {@code crl.pem}. Call it for every new connection: it is rebuilt after the files change.
     * The passport is not checked here but by {@link PeerVerifier}.
     */
    public SslContext serverContext() {
        Loaded current = current();
        synchronized (current) {
            if (current.serverContext == null) {
                current.serverContext = build(SslContextBuilder.forServer(current.key, current.chain)
                        .clientAuth(ClientAuth.REQUIRE));
            }
            return current.serverContext;
        }
    }

    /**
     * Context for connecting to a dispatcher: presents our certificate and checks the server's
     * against {@code ca.pem} and {@code crl.pem}. No host-name check: the passport is the
     * identity. Call it for every new connection: it is rebuilt after the files change.
     */
    public SslContext clientContext() {
        Loaded current = current();
        synchronized (current) {
            if (current.clientContext == null) {
                current.clientContext = build(SslContextBuilder.forClient()
                        .keyManager(current.key, current.chain)
                        .endpointIdentificationAlgorithm(null));
            }
            return current.clientContext;
        }
    }

    private SslContext build(SslContextBuilder builder) {
        try {
            return builder.sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .trustManager(new CredentialsTrustManager(this))
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build a TLS context from " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Full peer check against the current files and clock; used during handshakes and re-verification. */
    void verifyPeer(List<X509Certificate> chain, PeerPurpose purpose) throws CertificateException {
        current().authority.verify(chain, purpose, clock.instant());
    }

    List<X509Certificate> caCertificates() {
        return current().authority.caCertificates();
    }

    private Loaded current() {
        Loaded current = loaded;
        List<FileStamp> stamps = FileStamp.of(files);
        if (stamps.equals(current.stamps)) {
            return current;
        }
        synchronized (this) {
            current = loaded;
            if (stamps.equals(current.stamps)) {
                return current;
            }
            try {
                loaded = read(stamps);
                log.info("reloaded TLS credentials from {}", directory);
            } catch (TlsCredentialsException e) {
                if (!stamps.equals(failedStamps)) {
                    failedStamps = stamps;
                    log.warn("{}; still using the TLS credentials loaded before", e.getMessage());
                }
            }
            return loaded;
        }
    }

    /** Stamps are taken before reading, so a file changing meanwhile is simply read again next time. */
    private Loaded read(List<FileStamp> stamps) {
        CertificateAuthority authority = CertificateAuthority.read(files.get(0), files.get(1));
        List<X509Certificate> chain = PemFiles.certificates(files.get(2));
        PrivateKey key = PemFiles.privateKey(files.get(3));
        checkKeyMatches(key, chain.get(0));
        Instant now = clock.instant();
        for (X509CRL crl : authority.outdatedRevocationLists(now)) {
            log.warn("{}: the revocation list of '{}' was due for renewal on {}; still using it", files.get(1),
                    crl.getIssuerX500Principal().getName(), crl.getNextUpdate().toInstant());
        }
        try {
            authority.verify(chain, role == Role.DISPATCHER ? PeerPurpose.TLS_SERVER : PeerPurpose.TLS_CLIENT, now);
        } catch (CertificateException e) {
            // Not fatal here: the peers decide, and the operator may be about to fix it.
            log.warn("{}: peers will refuse our own certificate: {}", files.get(2), e.getMessage());
        }
        return new Loaded(stamps, authority, chain, key);
    }

    /** A key that does not belong to the certificate would only show up as an obscure handshake failure. */
    private void checkKeyMatches(PrivateKey key, X509Certificate certificate) {
        String algorithm = KEY_CHECK_SIGNATURES.get(key.getAlgorithm());
        if (algorithm == null) {
            return;
        }
        byte[] probe = "mediaproxy key check".getBytes(StandardCharsets.US_ASCII);
        boolean matches;
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new TlsCredentialsException(files.get(3), "does not hold the private key of " + files.get(2));
        }
    }

    private static final class Loaded {
        final List<FileStamp> stamps;
        final CertificateAuthority authority;
        final List<X509Certificate> chain;
        final PrivateKey key;
        // Built on first use: a relay never needs a server context.
        SslContext serverContext;
        SslContext clientContext;

        Loaded(List<FileStamp> stamps, CertificateAuthority authority, List<X509Certificate> chain, PrivateKey key) {
            this.stamps = stamps;
            this.authority = authority;
            this.chain = chain;
            this.key = key;
        }
    }

    /** Identity of a file's content as far as a cheap stat can tell; a missing file has all fields null. */
    private record FileStamp(FileTime modified, long size, Object fileKey) {

        static List<FileStamp> of(List<Path> files) {
            return files.stream().map(FileStamp::of).toList();
        }

        static FileStamp of(Path file) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return new FileStamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
            } catch (IOException e) {
                return new FileStamp(null, -1, null);
            }
        }
    }
}
