package org.mediaproxy.relay.forwarding;

/** What an engine does with one received datagram, as decided by {@link SubstreamForwarding#receive}. */
public enum Verdict {
    /** Discard the datagram. */
    DROP,
    /** Send it out of the other party's socket to {@link SubstreamForwarding#destination(Party)}. */
    FORWARD,
    /** A STUN message without a destination yet: keep it and send it once one becomes known. */
    QUEUE
}
