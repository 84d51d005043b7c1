package org.mediaproxy.common.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A small INI reader that accepts what Python's {@code configparser} (as python-application
 * configures it for the original MediaProxy) accepts, so an existing {@code config.ini} reads
 * the same. Written here because ini4j is abandoned and has an unfixed CVE.
 *
 * <p>Syntax, and where we chose:
 * <ul>
 *   <li>{@code [Section]} headers; {@code name = value} or {@code name: value} (the first
 *       {@code =} or {@code :} on the line separates; whitespace around name and value is
 *       dropped). Everything before the first header is an error.</li>
 *   <li>Lines whose first non-blank character is {@code ;} or {@code #} are comments, also when
 *       indented. Blank lines are ignored.</li>
 *   <li><b>Inline comments:</b> a {@code ;} preceded by a space or tab starts a comment on
 *       option, continuation and header lines ({@code port_range = 40000:60000 ; wide}). This is
 *       the rule Python 2's ConfigParser applied (Python 3's applies none, so such a line made the
 *       original ignore the value). {@code #} after text is never a comment, and neither is a
 *       {@code ;} glued to the text before it ({@code a;b}).</li>
 *   <li>Continuation: a line indented deeper than the option line it follows adds a line to that
 *       option's value (joined with {@code \n}); blank and comment lines in between are skipped.
 *       </li>
 *   <li>Option and section names are case-insensitive and {@code -} equals {@code _}
 *       ({@code Port-Range} is {@code port_range}). The original keeps case (python-application
 *       replaces ConfigParser's lower-casing); accepting more spellings cannot break a file the
 *       original read correctly.</li>
 *   <li>A section or an option that appears twice is an error, as in Python 3's strict parser.
 *       </li>
 *   <li>Options of a {@code [DEFAULT]} section apply to every section that does not set them.
 *       </li>
 *   <li>Values are interpolated like ConfigParser's {@code BasicInterpolation}: {@code %%} is a
 *       literal {@code %}, {@code %(name)s} is the value of another option of the same section
 *       (or of {@code [DEFAULT]}); any other {@code %} is an error. A password with a {@code %}
 *       in a {@code dburi} must therefore be written {@code %%}, exactly as for the original.
 *       Interpolation happens when a value is asked for ({@link #value}).</li>
 *   <li>A leading byte order mark is skipped.</li>
 * </ul>
 */
public final class IniFile {

    /** The section whose options every other section inherits. */
    public static final String DEFAULT_SECTION = "DEFAULT";

    private static final int MAX_INTERPOLATION_DEPTH = 10;

    /** One {@code name = value} pair: normalised name, raw (not interpolated) value. */
    public record Entry(String name, String value, int line) {
    }

    /** A section: the name as written in the file and its options in file order. */
    public record Section(String name, int line, Map<String, Entry> entries) {
        public Section {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }
    }

    private final String source;
    private final Map<String, Section> sections;

    private IniFile(String source, Map<String, Section> sections) {
        this.source = source;
        this.sections = sections;
    }

    /**
     * Parses INI text.
     *
     * @param source name used in error messages (usually the file path)
     * @throws ConfigException with a message {@code <source>: line <n>: <problem>} for a line
     *     that is neither a header, an option, a continuation, a comment nor blank, for an option
     *     before the first header and for a repeated section or option
     */
    public static IniFile parse(String text, String source) throws ConfigException {
        return new Parser(source).parse(text);
    }

    /** Normalised form of an option or section name: lower case, {@code -} as {@code _}. */
    public static String normalize(String name) {
        return name.strip().toLowerCase(Locale.ROOT).replace('-', '_');
    }

    public String source() {
        return source;
    }

    /** Every section in file order, {@code [DEFAULT]} included if present. */
    public List<Section> sections() {
        return List.copyOf(sections.values());
    }

    /** The section with this name, ignoring case. */
    public Optional<Section> section(String name) {
        return Optional.ofNullable(sections.get(normalize(name)));
    }

    /**
     * The options visible in a section: the {@code [DEFAULT]} ones overridden by the section's
     * own, keyed by normalised name. Empty if neither exists.
     */
    public Map<String, Entry> options(String sectionName) {
        Map<String, Entry> options = new LinkedHashMap<>();
        section(DEFAULT_SECTION).ifPresent(defaults -> options.putAll(defaults.entries()));
        if (!normalize(sectionName).equals(normalize(DEFAULT_SECTION))) {
            section(sectionName).ifPresent(own -> options.putAll(own.entries()));
        }
        return options;
    }

    /**
     * The value of an option after interpolation.
     *
     * @throws IllegalArgumentException with the reason when the value's {@code %} syntax is bad,
     *     a referenced option is missing or references nest too deep
     */
    public String value(String sectionName, Entry entry) {
        StringBuilder out = new StringBuilder();
        interpolate(options(sectionName), entry.value(), out, 1);
        return out.toString();
    }

    private static void interpolate(Map<String, Entry> options, String rest, StringBuilder out, int depth) {
        if (depth > MAX_INTERPOLATION_DEPTH) {
            throw new IllegalArgumentException("%(...)s references nest deeper than "
                    + MAX_INTERPOLATION_DEPTH + " levels (a loop?)");
        }
        int i = 0;
        while (i < rest.length()) {
            int percent = rest.indexOf('%', i);
            if (percent < 0) {
                out.append(rest, i, rest.length());
                return;
            }
            out.append(rest, i, percent);
            char next = percent + 1 < rest.length() ? rest.charAt(percent + 1) : 0;
            if (next == '%') {
                out.append('%');
                i = percent + 2;
            } else if (next == '(') {
                int close = rest.indexOf(")s", percent + 2);
                if (close < 0 || close == percent + 2) {
                    throw new IllegalArgumentException("bad reference '" + rest.substring(percent)
                            + "' (write %(name)s, or %% for a literal %)");
                }
                String name = normalize(rest.substring(percent + 2, close));
                Entry referenced = options.get(name);
                if (referenced == null) {
                    throw new IllegalArgumentException("%(" + name + ")s refers to a missing option");
                }
                interpolate(options, referenced.value(), out, depth + 1);
                i = close + 2;
            } else {
                throw new IllegalArgumentException(
                        "'%' must be followed by '%' or '(' (write %% for a literal %)");
            }
        }
    }

    /** Line-by-line state machine following configparser's rules (see the class comment). */
    private static final class Parser {
        private final String source;
        private final Map<String, Section> sections = new LinkedHashMap<>();
        private String sectionName;
        private int sectionLine;
        private final Map<String, Integer> optionLines = new LinkedHashMap<>();
        private final Map<String, List<String>> optionParts = new LinkedHashMap<>();
        private String option;
        private int optionIndent;

        Parser(String source) {
            this.source = source;
        }

        IniFile parse(String text) throws ConfigException {
            String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
            String[] lines = body.split("\r\n|\r|\n", -1);
            for (int n = 1; n <= lines.length; n++) {
                line(lines[n - 1], n);
            }
            closeSection();
            return new IniFile(source, Collections.unmodifiableMap(sections));
        }

        private void line(String raw, int n) throws ConfigException {
            String stripped = raw.strip();
            if (stripped.isEmpty() || stripped.startsWith(";") || stripped.startsWith("#")) {
                return;
            }
            String content = withoutInlineComment(raw).strip();
            int indent = indentOf(raw);
            if (option != null && indent > optionIndent) {
                optionParts.get(option).add(content);
            } else if (content.startsWith("[")) {
                header(content, n);
            } else {
                option(content, indent, n);
            }
        }

        private void option(String content, int indent, int n) throws ConfigException {
            int separator = firstSeparator(content);
            if (separator < 0) {
                throw new ConfigException(source + ": line " + n
                        + ": expected [Section] or name = value, found '" + oneLine(content) + "'");
            }
            String name = normalize(content.substring(0, separator));
            if (name.isEmpty()) {
                throw new ConfigException(source + ": line " + n + ": option without a name: '"
                        + oneLine(content) + "'");
            }
            if (sectionName == null) {
                throw new ConfigException(source + ": line " + n + ": option '" + name
                        + "' appears before the first [Section] header");
            }
            Integer first = optionLines.get(name);
            if (first != null) {
                throw new ConfigException(source + ": line " + n + ": [" + sectionName + "] " + name
                        + " is set twice (first on line " + first + ")");
            }
            List<String> parts = new ArrayList<>();
            parts.add(content.substring(separator + 1).strip());
            optionParts.put(name, parts);
            optionLines.put(name, n);
            option = name;
            optionIndent = indent;
        }

        private void header(String content, int n) throws ConfigException {
            if (!content.endsWith("]")) {
                throw new ConfigException(source + ": line " + n + ": section header must end with ']': '"
                        + oneLine(content) + "'");
            }
            String name = content.substring(1, content.length() - 1).strip();
            if (name.isEmpty()) {
                throw new ConfigException(source + ": line " + n + ": empty section name");
            }
            closeSection();
            Section previous = sections.get(normalize(name));
            if (previous != null) {
                throw new ConfigException(source + ": line " + n + ": section [" + name
                        + "] appears twice (first on line " + previous.line() + ")");
            }
            sectionName = name;
            sectionLine = n;
        }

        private void closeSection() {
            if (sectionName != null) {
                Map<String, Entry> entries = new LinkedHashMap<>();
                optionParts.forEach((name, parts) ->
                        entries.put(name, new Entry(name, String.join("\n", parts), optionLines.get(name))));
                sections.put(normalize(sectionName), new Section(sectionName, sectionLine, entries));
            }
            sectionName = null;
            option = null;
            optionParts.clear();
            optionLines.clear();
        }

        private static int indentOf(String line) {
            int i = 0;
            while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            return i;
        }

        private static int firstSeparator(String content) {
            for (int i = 0; i < content.length(); i++) {
                char c = content.charAt(i);
                if (c == '=' || c == ':') {
                    return i;
                }
            }
            return -1;
        }

        private static String withoutInlineComment(String line) {
            for (int i = 1; i < line.length(); i++) {
                if (line.charAt(i) == ';' && (line.charAt(i - 1) == ' ' || line.charAt(i - 1) == '\t')) {
                    return line.substring(0, i);
                }
            }
            return line;
        }
    }

    /** Text made safe for a one-line message: control characters shown escaped. */
    static String oneLine(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
