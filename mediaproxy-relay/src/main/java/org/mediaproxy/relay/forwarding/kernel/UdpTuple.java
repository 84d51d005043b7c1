package org.mediaproxy.relay.forwarding.kernel;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.Objects;

/** The addresses of one direction of a UDP flow over IPv4, as conntrack keys it. */
public record UdpTuple(InetSocketAddress source, InetSocketAddress destination) {

    public UdpTuple {
        requireIpv4(source, "source");
        requireIpv4(destination, "destination");
    }

    /** The same flow seen from the other end. */
    public UdpTuple reversed() {
        return new UdpTuple(destination, source);
    }

    static void requireIpv4(InetSocketAddress address, String what) {
        Objects.requireNonNull(address, what);
        if (!(address.getAddress() instanceof Inet4Address)) {
            throw new IllegalArgumentException(what + " must be a resolved IPv4 address: " + address);
        }
    }

    @Override
    public String toString() {
        return format(source) + "->" + format(destination);
    }

    static String format(InetSocketAddress address) {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }
}
