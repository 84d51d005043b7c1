package org.mediaproxy.dispatcher.relay;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Orders the relays to try for a new session. The original picks uniformly at random; here the
 * least loaded eligible relay comes first (random among equally loaded ones), so that a relay
 * that just joined, or came back, catches up instead of staying idle. A relay forced by the
 * {@code media_relay} header goes first when it is eligible.
 */
public final class RelaySelector {

    /** The relays to try, in order, and whether a requested relay had to be ignored. */
    public record Choice(List<RelayLink> order, boolean preferredIgnored) {
    }

    private final Random random;

    public RelaySelector(Random random) {
        this.random = random;
    }

    public Choice choose(Collection<RelayLink> relays, String preferredIp) {
        List<RelayLink> eligible = new ArrayList<>();
        RelayLink preferred = null;
        for (RelayLink relay : relays) {
            if (!relay.acceptsNewSessions()) {
                continue;
            }
            if (relay.ip().equals(preferredIp)) {
                preferred = relay;
            } else {
                eligible.add(relay);
            }
        }
        // Shuffle first: the stable sort then keeps equally loaded relays in random order.
        Collections.shuffle(eligible, random);
        eligible.sort((a, b) -> RelayLoad.LIGHTEST_FIRST.compare(a.load(), b.load()));
        if (preferred != null) {
            eligible.add(0, preferred);
        }
        return new Choice(List.copyOf(eligible), preferredIp != null && preferred == null);
    }
}
