package org.mediaproxy.relay.forwarding.kernel;

/** An nftables command libnftables rejected; the message carries libnftables' own error text. */
public final class NftException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    NftException(String message) {
        super(message);
    }
}
