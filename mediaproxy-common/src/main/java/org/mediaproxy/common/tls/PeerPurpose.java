package org.mediaproxy.common.tls;

/** The part the verified peer plays in the TLS connection, with the extended key usage it needs. */
enum PeerPurpose {
    TLS_CLIENT("1.3.6.1.5.5.7.3.2", "clientAuth", "TLS client"),
    TLS_SERVER("1.3.6.1.5.5.7.3.1", "serverAuth", "TLS server");

    final String keyUsageOid;
    final String keyUsageName;
    final String description;

    PeerPurpose(String keyUsageOid, String keyUsageName, String description) {
        this.keyUsageOid = keyUsageOid;
        this.keyUsageName = keyUsageName;
        this.description = description;
    }
}
