package org.mediaproxy.dispatcher.accounting.radius;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Attribute names and numbers from RADIUS dictionary files in the syntax radiusclient-ng,
 * FreeRADIUS and the original MediaProxy share: {@code ATTRIBUTE name number type},
 * {@code VALUE attribute name number}, {@code $INCLUDE file} (relative to the including file;
 * {@code $INCLUDE-} when the file may be missing), {@code #} comments anywhere on a line.
 *
 * <p>Only attributes of the standard space are kept: anything inside {@code BEGIN-VENDOR},
 * {@code BEGIN-TLV} or {@code BEGIN-PROTOCOL} blocks, attributes tagged with a vendor name and
 * extended numbers ({@code 241.1}) are read past, since MediaProxy sends none of those. Unknown
 * keywords are ignored. Names are case-insensitive and a later definition replaces an earlier one,
 * so an additional dictionary can override the main one.
 */
final class RadiusDictionary {

    /** One {@code ATTRIBUTE} line. */
    record Attribute(String name, int number, String type) {
    }

    private final Map<String, Attribute> attributes = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final Map<String, Map<String, Integer>> values = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final Set<String> vendors = new HashSet<>();
    private final Set<Path> loaded = new HashSet<>();

    /** Reads a dictionary file and everything it includes. */
    void load(Path file) throws IOException {
        read(file.toAbsolutePath().normalize(), new ArrayDeque<>());
    }

    /** The attribute of that name, or null. */
    Attribute attribute(String name) {
        return attributes.get(name);
    }

    /** The named values ({@code VALUE} lines) of an attribute; empty if none. */
    Map<String, Integer> values(String attribute) {
        return values.getOrDefault(attribute, Map.of());
    }

    private void read(Path file, Deque<Path> including) throws IOException {
        if (!loaded.add(file)) {
            return; // already read: includes may form cycles or diamonds
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IOException("RADIUS dictionary " + file + " does not exist"
                    + (including.isEmpty() ? "" : " (included from " + including.peek() + ")"), e);
        }
        including.push(file);
        int depth = 0;
        for (int index = 0; index < lines.size(); index++) {
            String line = lines.get(index);
            int comment = line.indexOf('#');
            String[] words = (comment >= 0 ? line.substring(0, comment) : line).trim().split("\\s+");
            String keyword = words[0];
            String where = file + ":" + (index + 1);
            switch (keyword) {
                case "$INCLUDE", "$INCLUDE-" -> {
                    expect(words, 2, where);
                    Path included = RadiusClientConfig.resolve(file, words[1]).toAbsolutePath().normalize();
                    if (keyword.equals("$INCLUDE") || Files.exists(included)) {
                        read(included, including);
                    }
                }
                case "BEGIN-VENDOR", "BEGIN-TLV", "BEGIN-PROTOCOL" -> depth++;
                case "END-VENDOR", "END-TLV", "END-PROTOCOL" -> depth = Math.max(0, depth - 1);
                case "VENDOR" -> {
                    expect(words, 3, where);
                    vendors.add(words[1]);
                }
                case "ATTRIBUTE" -> {
                    expect(words, 4, where);
                    Integer number = parseNumber(words[2]);
                    boolean vendorSpecific = depth > 0 || (words.length > 4 && vendors.contains(words[4]));
                    if (!vendorSpecific && number != null && number >= 1 && number <= 255) {
                        attributes.put(words[1], new Attribute(words[1], number, words[3].toLowerCase(Locale.ROOT)));
                    }
                }
                case "VALUE" -> {
                    expect(words, 4, where);
                    Integer number = parseNumber(words[3]);
                    if (depth == 0 && number != null) {
                        values.computeIfAbsent(words[1], name -> new TreeMap<>(String.CASE_INSENSITIVE_ORDER))
                                .put(words[2], number);
                    }
                }
                default -> {
                    // blank line or a keyword MediaProxy has no use for (ALIAS, FLAGS, ...)
                }
            }
        }
        including.pop();
    }

    private static void expect(String[] words, int count, String where) throws IOException {
        if (words.length < count) {
            throw new IOException("RADIUS dictionary " + where + ": " + words[0] + " needs " + (count - 1) + " fields");
        }
    }

    private static Integer parseNumber(String text) {
        try {
            return text.startsWith("0x") || text.startsWith("0X")
                    ? Integer.parseInt(text.substring(2), 16) : Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
