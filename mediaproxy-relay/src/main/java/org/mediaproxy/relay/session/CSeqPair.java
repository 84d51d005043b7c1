package org.mediaproxy.relay.session;

/**
 * The pair (caller CSeq, callee CSeq) that orders a session's offers: each side numbers its own
 * requests, so an offer is new when the pair grows. Pairs compare lexicographically; (0, 0) is
 * the base before the first offer.
 */
record CSeqPair(long caller, long callee) implements Comparable<CSeqPair> {

    static final CSeqPair BASE = new CSeqPair(0, 0);

    /** This pair with one side's component replaced by {@code cseq}. */
    CSeqPair with(boolean callerSide, long cseq) {
        return callerSide ? new CSeqPair(cseq, callee) : new CSeqPair(caller, cseq);
    }

    long component(boolean callerSide) {
        return callerSide ? caller : callee;
    }

    @Override
    public int compareTo(CSeqPair other) {
        int byCaller = Long.compare(caller, other.caller);
        return byCaller != 0 ? byCaller : Long.compare(callee, other.callee);
    }

    @Override
    public String toString() {
        return caller + ":" + callee;
    }
}
