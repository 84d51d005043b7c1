package org.mediaproxy.dispatcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The original 4.1.2 dispatcher's traffic, from {@code fixtures/original-4.1.2/wire-transcript.txt}:
 * every message the dispatcher sent or received, with its exact bytes.
 */
public final class Transcript {

    public enum Channel { RELAY, OPENSIPS, MANAGEMENT }

    /** One message as the dispatcher saw it; {@code in} = received by the dispatcher. */
    public record Event(Channel channel, boolean in, String bytes, String peer) {
        public boolean relay() {
            return channel == Channel.RELAY;
        }

        public boolean opensips() {
            return channel == Channel.OPENSIPS;
        }
    }

    private static final Pattern HEADER = Pattern.compile(
            "^\\[\\s*[0-9.]+\\] (\\w+)\\s+(\\w+)\\s+(==>|<==|---) peer (\\S+).*$");

    private Transcript() {
    }

    public static List<Event> dispatcherEvents() throws IOException {
        String text;
        try (InputStream in = Transcript.class.getResourceAsStream("/fixtures/original-4.1.2/wire-transcript.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Event> events = new ArrayList<>();
        String side = null;
        String protocol = null;
        String direction = null;
        String peer = null;
        for (String line : text.split("\n")) {
            Matcher header = HEADER.matcher(line);
            if (header.matches()) {
                side = header.group(1);
                protocol = header.group(2);
                direction = header.group(3);
                peer = header.group(4);
                continue;
            }
            int repr = line.indexOf("| (repr) ");
            if (repr < 0 || !"dispatcher".equals(side) || "---".equals(direction)) {
                continue;
            }
            Channel channel = switch (protocol) {
                case "RelayServerProtocol" -> Channel.RELAY;
                case "OpenSIPSControlProtocol" -> Channel.OPENSIPS;
                case "ManagementControlProtocol" -> Channel.MANAGEMENT;
                default -> throw new IllegalStateException("unknown protocol " + protocol);
            };
            events.add(new Event(channel, direction.equals("<=="), unrepr(line.substring(repr + 9).strip()), peer));
        }
        return events;
    }

    /** Decodes a Python {@code repr()} of a str. */
    static String unrepr(String literal) {
        char quote = literal.charAt(0);
        if ((quote != '\'' && quote != '"') || literal.charAt(literal.length() - 1) != quote) {
            throw new IllegalArgumentException("not a Python string literal: " + literal);
        }
        StringBuilder out = new StringBuilder();
        for (int i = 1; i < literal.length() - 1; i++) {
            char c = literal.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char escaped = literal.charAt(++i);
            switch (escaped) {
                case 'r' -> out.append('\r');
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case '\\', '\'', '"' -> out.append(escaped);
                case 'x' -> {
                    out.append((char) Integer.parseInt(literal.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> throw new IllegalArgumentException("unsupported escape \\" + escaped);
            }
        }
        return out.toString();
    }
}
