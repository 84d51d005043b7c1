package org.mediaproxy.common.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/** Reads the PEM credential files, turning every failure into a message that names the file. */
final class PemFiles {

    private PemFiles() {
    }

    static List<X509Certificate> certificates(Path file) {
        byte[] pem = read(file);
        List<X509Certificate> certificates;
        try {
            certificates = x509().generateCertificates(new ByteArrayInputStream(pem)).stream()
                    .map(X509Certificate.class::cast)
                    .toList();
        } catch (CertificateException e) {
            throw new TlsCredentialsException(file, "is not a readable PEM certificate: " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new TlsCredentialsException(file, "holds no certificate");
        }
        return certificates;
    }

    static List<X509CRL> revocationLists(Path file) {
        byte[] pem = read(file);
        List<X509CRL> crls;
        try {
            crls = x509().generateCRLs(new ByteArrayInputStream(pem)).stream()
                    .map(X509CRL.class::cast)
                    .toList();
        } catch (CRLException e) {
            throw new TlsCredentialsException(file, "is not a readable PEM revocation list: " + e.getMessage(), e);
        }
        if (crls.isEmpty()) {
            throw new TlsCredentialsException(file, "holds no certificate revocation list");
        }
        return crls;
    }

    /** Accepts PKCS#8 ("BEGIN PRIVATE KEY") and the traditional PKCS#1/SEC1 forms ("BEGIN RSA/EC PRIVATE KEY"). */
    static PrivateKey privateKey(Path file) {
        byte[] pem = read(file);
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader reader = new InputStreamReader(new ByteArrayInputStream(pem), StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            for (Object block = parser.readObject(); block != null; block = parser.readObject()) {
                if (block instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (block instanceof PEMKeyPair pair) {
                    // Not getKeyPair(): an EC key may come without its public half.
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (block instanceof PEMEncryptedKeyPair || block instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new TlsCredentialsException(file,
                            "holds a passphrase-protected key; MediaProxy needs the key without a passphrase");
                }
                // Anything else (e.g. the "EC PARAMETERS" block openssl writes first) is not the key.
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new TlsCredentialsException(file, "is not a readable PEM private key: " + e.getMessage(), e);
        }
        throw new TlsCredentialsException(file, "holds no private key");
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TlsCredentialsException(file, "is missing", e);
        } catch (AccessDeniedException e) {
            throw new TlsCredentialsException(file, "is not readable (permission denied)", e);
        } catch (IOException e) {
            throw new TlsCredentialsException(file, "is not readable: " + e.getMessage(), e);
        }
    }

    private static CertificateFactory x509() {
        try {
            return CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
        }
    }
}
