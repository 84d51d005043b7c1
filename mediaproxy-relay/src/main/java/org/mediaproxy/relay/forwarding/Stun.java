package org.mediaproxy.relay.forwarding;

/**
 * Recognises STUN messages (RFC 5389) among relayed datagrams. STUN latches addresses like any
 * packet but is not media: it neither stops a party's no-traffic timer nor triggers offload.
 */
public final class Stun {

    static final int HEADER_LENGTH = 20;
    static final long MAGIC_COOKIE = 0x2112A442L;

    private Stun() {
    }

    /**
     * @param length datagram length in bytes
     * @param head   the first eight bytes of the datagram, big-endian, zero-padded when shorter
     */
    public static boolean isStun(int length, long head) {
        // The original tests the type with mask 0x000C; RFC 5389 §6 requires the two most
        // significant bits to be zero, which is what tells STUN apart from RTP (version 2 = 0b10).
        return length >= HEADER_LENGTH
                && (head & 0xFFFFFFFFL) == MAGIC_COOKIE
                && (head >>> 62) == 0;
    }
}
