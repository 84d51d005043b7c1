package org.mediaproxy.common.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Hands the handshake's certificate check to {@link TlsCredentials}, so it always sees the
 * current CA and CRL files. Being an X509ExtendedTrustManager also keeps the JDK from adding
 * its own host-name check: in MediaProxy the passport, not the host name, is the identity.
 */
final class CredentialsTrustManager extends X509ExtendedTrustManager {

    private final TlsCredentials credentials;

    CredentialsTrustManager(TlsCredentials credentials) {
        this.credentials = credentials;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        credentials.verifyPeer(List.of(chain), PeerPurpose.TLS_CLIENT);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        credentials.verifyPeer(List.of(chain), PeerPurpose.TLS_SERVER);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return credentials.caCertificates().toArray(new X509Certificate[0]);
    }
}
