package org.mediaproxy.relay.forwarding;

/**
 * The two substreams of every media stream: RTP on the even port of each relay port pair and
 * RTCP on the odd port. Any UDP media (T.38 UDPTL, plain UDP) travels on the "RTP" substream.
 */
public enum SubstreamKind {
    RTP, RTCP;

    /** Offset of this substream's port from the even port of a pair. */
    public int portOffset() {
        return this == RTP ? 0 : 1;
    }
}
