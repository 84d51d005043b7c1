package org.mediaproxy.dispatcher.web;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes the Prometheus text exposition format, version 0.0.4: per metric family one
 * {@code # HELP} and one {@code # TYPE} line followed by its samples
 * {@code name{label="value",...} value}, each family's samples together, every line ending in
 * {@code \n}.
 *
 * <p>Label values come from the network (relay addresses, media types), so they are escaped here
 * and nowhere else; names are ours and a bad one is a programming error.
 */
final class PrometheusText {

    /** The content type scrapers expect for this format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    enum Type {
        COUNTER, GAUGE, HISTOGRAM;

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final StringBuilder out = new StringBuilder(4096);
    private final Set<String> families = new HashSet<>();
    private String family;
    private Type type;

    /** Starts a family; the samples written next belong to it. */
    PrometheusText family(String name, Type type, String help) {
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a metric name: " + name);
        }
        if (!families.add(name)) {
            throw new IllegalArgumentException("metric family " + name + " written twice");
        }
        family = name;
        this.type = type;
        out.append("# HELP ").append(name).append(' ');
        escape(help, false);
        out.append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type.word()).append('\n');
        return this;
    }

    /**
     * One sample of the current family.
     *
     * @param name   the family name, or for a histogram the family name plus {@code _bucket},
     *               {@code _sum} or {@code _count}
     * @param labels label names and values, alternating
     */
    PrometheusText sample(String name, double value, String... labels) {
        if (!belongsToFamily(name)) {
            throw new IllegalArgumentException("sample " + name + " outside its family (now writing " + family + ")");
        }
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels must come in name/value pairs: " + String.join(",", labels));
        }
        out.append(name);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                if (!LABEL_NAME.matcher(labels[i]).matches() || labels[i].startsWith("__")) {
                    throw new IllegalArgumentException("not a label name: " + labels[i]);
                }
                if (i > 0) {
                    out.append(',');
                }
                out.append(labels[i]).append("=\"");
                escape(labels[i + 1], true);
                out.append('"');
            }
            out.append('}');
        }
        out.append(' ').append(number(value)).append('\n');
        return this;
    }

    String text() {
        return out.toString();
    }

    private boolean belongsToFamily(String name) {
        if (family == null) {
            return false;
        }
        if (type == Type.HISTOGRAM) {
            return name.equals(family + "_bucket") || name.equals(family + "_sum") || name.equals(family + "_count");
        }
        return name.equals(family);
    }

    /** HELP text escapes backslash and line feed; label values also the double quote. */
    private void escape(String text, boolean quoted) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '"' -> out.append(quoted ? "\\\"" : "\"");
                default -> out.append(c);
            }
        }
    }

    /**
     * A sample value or {@code le} bound as the format spells it: integers without a fraction,
     * {@code +Inf}, {@code -Inf}, {@code NaN}, other numbers as Java prints doubles (which Go's
     * ParseFloat, the reference parser, reads back exactly).
     */
    static String number(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }
}
