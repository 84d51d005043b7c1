package org.mediaproxy.relay.session;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One stream of a {@code media} header: {@code type:ip:port:direction[:key=value...]}, taken
 * from one m= line of the SDP. Port 0 means the stream is disabled or rejected.
 */
record MediaLine(String type, InetAddress address, int port, String direction, Map<String, String> parameters) {

    static final String UNSPECIFIED = "0.0.0.0";

    /** The SDP connection address as text, compared textually like the original (e.g. {@code 0.0.0.0}). */
    String ip() {
        return address.getHostAddress();
    }

    boolean ice() {
        return "yes".equals(parameters.get("ice"));
    }

    /** On hold: {@code sendonly}/{@code inactive} (exact lower case) or the 0.0.0.0 address; recvonly is not hold. */
    boolean onHold() {
        return "sendonly".equals(direction) || "inactive".equals(direction) || UNSPECIFIED.equals(ip());
    }

    /** Parses a whole {@code media} header value; empty entries between commas are ignored. */
    static List<MediaLine> parseList(String value) throws InvalidCommandException {
        List<MediaLine> lines = new ArrayList<>();
        for (String stream : value.split(",", -1)) {
            if (!stream.isEmpty()) {
                lines.add(parse(stream));
            }
        }
        return List.copyOf(lines);
    }

    private static MediaLine parse(String stream) throws InvalidCommandException {
        String[] fields = stream.split(":", -1);
        if (fields.length < 4) {
            throw invalid(stream, "expected type:ip:port:direction");
        }
        String type = fields[0];
        if (type.isEmpty()) {
            throw invalid(stream, "empty media type");
        }
        InetAddress address = IpLiterals.parseIpv4(fields[1]);
        if (address == null) {
            throw invalid(stream, "'" + fields[1] + "' is not an IPv4 address (IPv6 and host names are not supported)");
        }
        int port = parsePort(stream, fields[2]);
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 4; i < fields.length; i++) {
            if (fields[i].isEmpty()) {
                continue;
            }
            String[] pair = fields[i].split("=", -1);
            if (pair.length != 2) {
                throw invalid(stream, "parameter '" + fields[i] + "' is not key=value");
            }
            parameters.put(pair[0], pair[1]);
        }
        return new MediaLine(type, address, port, fields[3], Map.copyOf(parameters));
    }

    private static int parsePort(String stream, String text) throws InvalidCommandException {
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(stream, "'" + text + "' is not a port");
    }

    private static InvalidCommandException invalid(String stream, String reason) {
        return new InvalidCommandException("bad media stream '" + stream + "': " + reason);
    }
}
