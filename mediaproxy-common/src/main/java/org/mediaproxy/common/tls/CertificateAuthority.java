package org.mediaproxy.common.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a peer certificate is checked against: the CA certificates of {@code ca.pem} and the
 * revocation lists of {@code crl.pem}. Immutable; a changed file gives a new instance.
 *
 * <p>Revocation is checked here rather than by the PKIX validator because PKIX refuses every
 * certificate once the CRL is past its "next update" date, which would cut a whole deployment
 * off on a date the original (GnuTLS, revoked-serial lookup only) never cared about.
 */
final class CertificateAuthority {

    private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";

    private final List<X509Certificate> caCertificates;
    private final Set<TrustAnchor> anchors;
    private final List<X509CRL> revocationLists;

    private CertificateAuthority(List<X509Certificate> caCertificates, List<X509CRL> revocationLists) {
        this.caCertificates = caCertificates;
        this.anchors = caCertificates.stream().map(ca -> new TrustAnchor(ca, null)).collect(Collectors.toSet());
        this.revocationLists = revocationLists;
    }

    /** Reads both files; every CRL must be signed by one of the CAs, or it could not be trusted. */
    static CertificateAuthority read(Path caFile, Path crlFile) {
        List<X509Certificate> cas = PemFiles.certificates(caFile);
        List<X509CRL> crls = PemFiles.revocationLists(crlFile);
        for (X509CRL crl : crls) {
            if (cas.stream().noneMatch(ca -> signed(crl, ca))) {
                throw new TlsCredentialsException(crlFile, "holds a revocation list from '"
                        + crl.getIssuerX500Principal().getName() + "' that no CA in " + caFile.getFileName() + " signed");
            }
        }
        return new CertificateAuthority(cas, crls);
    }

    private static boolean signed(X509CRL crl, X509Certificate ca) {
        if (!crl.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
            return false;
        }
        try {
            crl.verify(ca.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    List<X509Certificate> caCertificates() {
        return caCertificates;
    }

    /** Revocation lists whose "next update" date has passed: still used, but the operator should renew them. */
    List<X509CRL> outdatedRevocationLists(Instant at) {
        return revocationLists.stream()
                .filter(crl -> crl.getNextUpdate() != null && crl.getNextUpdate().toInstant().isBefore(at))
                .toList();
    }

    /**
     * Checks a peer's chain (peer certificate first): extended key usage for its part in the
     * connection, signature chain to a CA, validity dates at {@code at}, and the CRLs.
     *
     * @throws CertificateException with a one-line reason fit for the log
     */
    void verify(List<X509Certificate> chain, PeerPurpose purpose, Instant at) throws CertificateException {
        if (chain.isEmpty()) {
            throw new CertificateException("the peer sent no certificate");
        }
        X509Certificate peer = chain.get(0);
        checkPurpose(peer, purpose);
        List<X509Certificate> path = withoutTrailingAnchors(chain);
        validatePath(path, at);
        for (X509Certificate certificate : path) {
            checkNotRevoked(certificate);
        }
    }

    private static void checkPurpose(X509Certificate peer, PeerPurpose purpose) throws CertificateException {
        List<String> usages;
        try {
            usages = peer.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            throw new CertificateException("certificate '" + subject(peer) + "' has an unreadable extendedKeyUsage", e);
        }
        // No extension at all means "any purpose" (RFC 5280 §4.2.1.12).
        if (usages != null && !usages.contains(purpose.keyUsageOid) && !usages.contains(ANY_EXTENDED_KEY_USAGE)) {
            throw new CertificateException("certificate '" + subject(peer) + "' may not act as " + purpose.description
                    + " (its extendedKeyUsage lacks " + purpose.keyUsageName + ")");
        }
    }

    /** Peers may send the CA itself at the end of their chain; PKIX wants the path without it. */
    private List<X509Certificate> withoutTrailingAnchors(List<X509Certificate> chain) {
        List<X509Certificate> path = new ArrayList<>(chain);
        while (path.size() > 1 && caCertificates.contains(path.get(path.size() - 1))) {
            path.remove(path.size() - 1);
        }
        return path;
    }

    private void validatePath(List<X509Certificate> path, Instant at) throws CertificateException {
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(at));
            CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
        } catch (CertPathValidatorException e) {
            X509Certificate culprit = e.getIndex() >= 0 && e.getIndex() < path.size() ? path.get(e.getIndex()) : path.get(0);
            throw new CertificateException(explain(e, culprit), e);
        } catch (GeneralSecurityException e) {
            throw new CertificateException("certificate '" + subject(path.get(0)) + "' could not be checked: "
                    + e.getMessage(), e);
        }
    }

    private static String explain(CertPathValidatorException e, X509Certificate culprit) {
        String certificate = "certificate '" + subject(culprit) + "'";
        if (e.getReason() == BasicReason.EXPIRED) {
            return certificate + " expired on " + culprit.getNotAfter().toInstant();
        }
        if (e.getReason() == BasicReason.NOT_YET_VALID) {
            return certificate + " is not valid before " + culprit.getNotBefore().toInstant();
        }
        if (e.getReason() == PKIXReason.NO_TRUST_ANCHOR || e.getReason() == BasicReason.INVALID_SIGNATURE) {
            return certificate + " is not signed by the CA in ca.pem (issuer '"
                    + culprit.getIssuerX500Principal().getName() + "')";
        }
        return certificate + " is not acceptable: " + e.getMessage();
    }

    private void checkNotRevoked(X509Certificate certificate) throws CertificateException {
        for (X509CRL crl : revocationLists) {
            if (crl.getIssuerX500Principal().equals(certificate.getIssuerX500Principal())) {
                X509CRLEntry entry = crl.getRevokedCertificate(certificate);
                if (entry != null) {
                    throw new CertificateException("certificate '" + subject(certificate) + "' (serial 0x"
                            + certificate.getSerialNumber().toString(16) + ") was revoked on "
                            + entry.getRevocationDate().toInstant() + " (crl.pem)");
                }
            }
        }
    }

    static String subject(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName();
    }
}
