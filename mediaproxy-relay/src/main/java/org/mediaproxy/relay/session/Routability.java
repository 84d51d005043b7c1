package org.mediaproxy.relay.session;

import java.net.InetAddress;
import java.util.List;

/**
 * Whether an SDP address may be used as a destination before the party's real address is
 * learned: public addresses are, special-purpose and private ones are not, unless the operator
 * listed them in {@code routable_private_ranges} (those are checked first and win).
 */
final class Routability {

    private static final List<Cidr> NON_ROUTABLE = List.of(
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
            "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
            "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32")
            .stream().map(Cidr::parse).toList();

    private final List<Cidr> routablePrivateRanges;

    Routability(List<Cidr> routablePrivateRanges) {
        this.routablePrivateRanges = List.copyOf(routablePrivateRanges);
    }

    boolean isRoutable(InetAddress address) {
        for (Cidr range : routablePrivateRanges) {
            if (range.contains(address)) {
                return true;
            }
        }
        for (Cidr range : NON_ROUTABLE) {
            if (range.contains(address)) {
                return false;
            }
        }
        return true;
    }
}
