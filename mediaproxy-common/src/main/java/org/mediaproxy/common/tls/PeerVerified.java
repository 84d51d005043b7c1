package org.mediaproxy.common.tls;

import javax.security.auth.x500.X500Principal;

/**
 * User event fired by {@link PeerVerifier} once the peer's certificate chain and passport were
 * accepted: from here on the handler after it may talk to the peer.
 */
public record PeerVerified(X500Principal subject) {
}
