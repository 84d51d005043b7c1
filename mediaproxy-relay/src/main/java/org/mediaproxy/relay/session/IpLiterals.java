package org.mediaproxy.relay.session;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Parses IP address literals without ever touching DNS. */
final class IpLiterals {

    private IpLiterals() {
    }

    /** A dotted-quad IPv4 address, or null if {@code text} is not exactly that. */
    static InetAddress parseIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                return null;
            }
            bytes[i] = (byte) value;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** An IPv4 or IPv6 literal, or null. */
    static InetAddress parse(String text) {
        InetAddress v4 = parseIpv4(text);
        if (v4 != null || text.indexOf(':') < 0) {
            return v4;
        }
        if (!text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            return null;
        }
        try {
            // With only hex digits, colons and dots this is parsed as a literal, never looked up.
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
