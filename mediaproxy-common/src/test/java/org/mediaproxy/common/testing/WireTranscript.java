package org.mediaproxy.common.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The original MediaProxy 4.1.2's wire transcript ({@code fixtures/original-4.1.2/wire-transcript.txt},
 * shipped in common's test-jar): every message the relay and the dispatcher sent or received, with
 * its exact bytes, taken from the Python {@code repr} lines.
 */
public final class WireTranscript {

    /**
     * One message.
     *
     * @param process  {@code relay} or {@code dispatcher}
     * @param protocol e.g. {@code RelayClientProtocol}
     * @param received true for {@code <==} (read by that process), false for {@code ==>}
     * @param peer     the other end as the transcript names it, e.g. {@code 198.18.0.1:37562} or {@code ?}
     */
    public record Message(String process, String protocol, boolean received, String peer, byte[] bytes) {
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static final Pattern HEADER = Pattern.compile(
            "^\\[\\s*[\\d.]+\\]\\s+(\\S+)\\s+(\\S+)\\s+(<==|==>|---)\\s+peer\\s+(\\S+).*");
    private static final String REPR = "| (repr) ";

    private WireTranscript() {
    }

    /** The messages the relay received and sent on its link to the dispatcher, in order. */
    public static List<Message> relaySide() throws IOException {
        return side("relay");
    }

    /** Everything the dispatcher received and sent (relays, OpenSIPS, management), in order. */
    public static List<Message> dispatcherSide() throws IOException {
        return side("dispatcher");
    }

    private static List<Message> side(String process) throws IOException {
        List<Message> side = new ArrayList<>();
        for (Message message : load()) {
            if (message.process().equals(process)) {
                side.add(message);
            }
        }
        return side;
    }

    public static List<Message> load() throws IOException {
        String text;
        try (InputStream in = WireTranscript.class.getResourceAsStream("/fixtures/original-4.1.2/wire-transcript.txt")) {
            if (in == null) {
                throw new IOException("wire-transcript.txt is missing from the test resources");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Message> messages = new ArrayList<>();
        Matcher header = null;
        for (String line : text.split("\n")) {
            Matcher candidate = HEADER.matcher(line);
            if (candidate.matches()) {
                // "---" lines (connection opened/closed) carry no message.
                header = candidate.group(3).equals("---") ? null : candidate;
            } else if (line.trim().startsWith(REPR) && header != null) {
                String repr = line.substring(line.indexOf(REPR) + REPR.length()).trim();
                messages.add(new Message(header.group(1), header.group(2), header.group(3).equals("<=="),
                        header.group(4), unrepr(repr)));
                header = null;
            }
        }
        return messages;
    }

    /** Decodes a Python {@code str} literal as {@code repr} writes it. */
    static byte[] unrepr(String literal) {
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
                case 'u' -> {
                    out.append((char) Integer.parseInt(literal.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> throw new IllegalArgumentException("unsupported escape \\" + escaped + " in " + literal);
            }
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
