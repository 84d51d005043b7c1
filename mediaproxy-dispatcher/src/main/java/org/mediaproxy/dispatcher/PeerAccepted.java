package org.mediaproxy.dispatcher;

import javax.security.auth.x500.X500Principal;

/** Pipeline event: the TLS peer's certificate chain and passport were accepted. */
public record PeerAccepted(X500Principal subject) {
}
