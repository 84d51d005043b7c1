package org.mediaproxy.relay.forwarding;

import java.util.Locale;

/**
 * The two ends of a media stream. The caller is the party that created the session (the sender
 * of the first offer, whose From-tag keys the session); the callee is the other one.
 */
public enum Party {
    CALLER, CALLEE;

    public Party other() {
        return this == CALLER ? CALLEE : CALLER;
    }

    /** Lower-case name as used in logs and in the session record keys. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
