package org.mediaproxy.relay.session;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local address the kernel would use to reach a peer, for {@code auto_detect_interfaces}:
 * a connected (never used) UDP socket reveals the route's source address without sending anything.
 */
final class LocalAddresses {

    private static final Logger LOG = LoggerFactory.getLogger(LocalAddresses.class);
    private static final int DISCARD_PORT = 9;

    private LocalAddresses() {
    }

    /** Source address towards {@code peer} (an IP literal), or {@code fallback} when there is no route. */
    static InetAddress towards(String peer, InetAddress fallback) {
        InetAddress target = peer == null ? null : IpLiterals.parse(peer);
        if (target == null) {
            LOG.warn("Cannot detect the interface towards '{}' (not an IP address); using {}", peer,
                    fallback.getHostAddress());
            return fallback;
        }
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(target, DISCARD_PORT);
            InetAddress local = probe.getLocalAddress();
            if (local != null && !local.isAnyLocalAddress()) {
                return local;
            }
        } catch (SocketException | RuntimeException e) {
            LOG.warn("No route towards {} ({}); using {}", peer, e.getMessage(), fallback.getHostAddress());
            return fallback;
        }
        LOG.warn("No route towards {}; using {}", peer, fallback.getHostAddress());
        return fallback;
    }
}
