package org.mediaproxy.common.config;

import java.net.InetSocketAddress;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code host[:port]} address from the configuration, kept as written (a host name is not
 * resolved here). {@code host} is an IPv4 dotted quad or a host name.
 */
public record HostPort(String host, int port) {

    private static final Pattern WITH_PORT = Pattern.compile("^(.+?):(\\d+)$");

    public HostPort {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("empty host");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside [0, 65535]");
        }
    }

    /**
     * Parses the original's address syntax: {@code host:port}, or {@code host} alone with
     * {@code defaultPort}; host {@code any} means {@code 0.0.0.0}; the whole value
     * {@code default} means {@code 0.0.0.0:<defaultPort>}. Keywords ignore case.
     *
     * @throws IllegalArgumentException with the reason if the value is not such an address
     */
    public static HostPort parse(String value, int defaultPort) {
        String text = value.strip();
        if (text.equalsIgnoreCase("default")) {
            return new HostPort("0.0.0.0", defaultPort);
        }
        String host = text;
        int port = defaultPort;
        Matcher matcher = WITH_PORT.matcher(text);
        if (matcher.matches()) {
            host = matcher.group(1);
            String digits = matcher.group(2);
            if (digits.length() > 5 || Integer.parseInt(digits) > 65535) {
                throw new IllegalArgumentException("port " + digits + " is outside [0, 65535]");
            }
            port = Integer.parseInt(digits);
        }
        if (host.equalsIgnoreCase("any")) {
            return new HostPort("0.0.0.0", port);
        }
        if (Ipv4.looksNumeric(host)) {
            Ipv4.parse(host);
        } else if (!Ipv4.isHostName(host)) {
            throw new IllegalArgumentException("expected host[:port] with an IPv4 address or a host name, found '"
                    + text + "'");
        }
        return new HostPort(host, port);
    }

    /**
     * The socket address to bind or connect to. An IP literal gives a resolved address without
     * DNS; a host name is looked up now (blocking) and the result is unresolved if that fails.
     */
    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
