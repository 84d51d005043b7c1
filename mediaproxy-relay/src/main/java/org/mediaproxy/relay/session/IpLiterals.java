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
        // The JDK takes text as a literal, never to be looked up, only when it starts with a hex
        // digit or a colon; ".:" would be sent to DNS. Character.digit would also let other
        // scripts' digits through (a full-width "１::" is 1::), hence ASCII only.
        char first = text.charAt(0);
        if (!(isAsciiHexDigit(first) || first == ':')
                || !text.chars().allMatch(c -> isAsciiHexDigit(c) || c == ':' || c == '.')) {
            return null;
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean isAsciiHexDigit(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
