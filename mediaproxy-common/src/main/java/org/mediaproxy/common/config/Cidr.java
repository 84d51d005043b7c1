package org.mediaproxy.common.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 network {@code a.b.c.d/bits}. The network address is stored with its host bits
 * cleared, so {@code 10.1.2.3/8} equals {@code 10.0.0.0/8}.
 */
public record Cidr(InetAddress network, int prefix) {

    public Cidr {
        if (!(network instanceof Inet4Address)) {
            throw new IllegalArgumentException("only IPv4 networks are supported, not " + network);
        }
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("prefix length " + prefix + " is outside [0, 32]");
        }
        network = masked(network, prefix);
    }

    /**
     * Parses one item of a network range list: {@code a.b.c.d/bits}, an IPv4 address
     * ({@code /32}), a host name (resolved now, {@code /32} unless bits are given) or
     * {@code any} ({@code 0.0.0.0/0}).
     *
     * @throws IllegalArgumentException with the reason, also when a host name does not resolve
     */
    public static Cidr parse(String value) {
        String text = value.strip();
        if (text.equalsIgnoreCase("any")) {
            return new Cidr(Ipv4.parse("0.0.0.0"), 0);
        }
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        int prefix = 32;
        if (slash >= 0) {
            String bits = text.substring(slash + 1);
            if (bits.isEmpty() || bits.length() > 2 || !bits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("'" + text + "': prefix length must be a number in [0, 32]");
            }
            prefix = Integer.parseInt(bits);
            if (prefix > 32) {
                throw new IllegalArgumentException("'" + text + "': prefix length must be a number in [0, 32]");
            }
        }
        if (host.equalsIgnoreCase("none")) {
            throw new IllegalArgumentException("'none' is only allowed as the whole value");
        }
        return new Cidr(Ipv4.resolve(host), prefix);
    }

    /** True if the address is an IPv4 address inside this network. */
    public boolean contains(InetAddress address) {
        return address instanceof Inet4Address && masked(address, prefix).equals(network);
    }

    private static InetAddress masked(InetAddress address, int prefix) {
        int bits = toInt(address.getAddress());
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        int value = bits & mask;
        byte[] bytes = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an address", e);
        }
    }

    private static int toInt(byte[] bytes) {
        return (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefix;
    }
}
