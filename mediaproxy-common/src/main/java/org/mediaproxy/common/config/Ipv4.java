package org.mediaproxy.common.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Strict IPv4 dotted-quad and host-name syntax, shared by the address-like option types. */
final class Ipv4 {

    private static final Pattern DOTTED = Pattern.compile("[0-9.]+");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");

    private Ipv4() {
    }

    /** True for text made only of digits and dots, which must then be a dotted quad. */
    static boolean looksNumeric(String text) {
        return DOTTED.matcher(text).matches();
    }

    /**
     * Parses {@code a.b.c.d} (each part 0-255, decimal) without any DNS lookup. The original used
     * {@code inet_aton}, which also takes forms like {@code 10.1} or hex parts; nobody writes those
     * in a config file on purpose, so they are refused.
     */
    static Inet4Address parse(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address (expected a.b.c.d)");
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(part) > 255) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address (expected a.b.c.d)");
            }
            bytes[i] = (byte) Integer.parseInt(part);
        }
        try {
            return (Inet4Address) InetAddress.getByAddress(text, bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an address", e);
        }
    }

    /** A syntactically valid DNS host name (labels of letters, digits, '-', '_'; optional final dot). */
    static boolean isHostName(String text) {
        String name = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        if (name.isEmpty() || name.length() > 253) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /**
     * An IPv4 literal as is, a host name through DNS (first IPv4 address).
     *
     * @throws IllegalArgumentException if the text is neither or the name does not resolve
     */
    static Inet4Address resolve(String text) {
        if (looksNumeric(text)) {
            return parse(text);
        }
        if (!isHostName(text)) {
            throw new IllegalArgumentException("'" + text + "' is neither an IPv4 address nor a host name");
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(text)) {
                if (address instanceof Inet4Address ipv4) {
                    return ipv4;
                }
            }
            throw new IllegalArgumentException("host name '" + text + "' has no IPv4 address");
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve host name '" + text + "'", e);
        }
    }
}
