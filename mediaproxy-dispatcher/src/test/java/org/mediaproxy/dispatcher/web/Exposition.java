package org.mediaproxy.dispatcher.web;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format 0.0.4, written from the format's description, to
 * check what the server writes: every line must parse, each family must have HELP then TYPE
 * before its samples, samples must belong to their family, no series may repeat, and histograms
 * must be cumulative with {@code +Inf} equal to {@code _count}. Any violation fails the test.
 */
public final class Exposition {

    record Sample(String name, Map<String, String> labels, double value) {
    }

    record Family(String name, String type, String help, List<Sample> samples) {
    }

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern FLOAT = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    private final Map<String, Family> families = new LinkedHashMap<>();

    private Exposition() {
    }

    public static Exposition parse(String text) {
        if (!text.endsWith("\n")) {
            throw new AssertionError("the exposition must end with a line feed");
        }
        Exposition exposition = new Exposition();
        Family current = null;
        String pendingHelpName = null;
        String pendingHelp = null;
        Set<String> series = new HashSet<>();
        int number = 0;
        for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
            number++;
            String where = "line " + number + " '" + line + "': ";
            if (line.startsWith("# HELP ")) {
                String[] parts = line.substring(7).split(" ", 2);
                check(parts.length == 2 && NAME.matcher(parts[0]).matches(), where + "bad HELP");
                check(!exposition.families.containsKey(parts[0]) && pendingHelpName == null,
                        where + "HELP repeated or not followed by TYPE");
                pendingHelpName = parts[0];
                pendingHelp = unescape(parts[1], false, where);
                current = null;
            } else if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ");
                check(parts.length == 2 && parts[0].equals(pendingHelpName), where + "TYPE must follow its HELP");
                check(TYPES.contains(parts[1]), where + "unknown type");
                current = new Family(parts[0], parts[1], pendingHelp, new ArrayList<>());
                exposition.families.put(parts[0], current);
                pendingHelpName = null;
            } else if (line.startsWith("#") || line.isEmpty()) {
                throw new AssertionError(where + "unexpected comment or empty line");
            } else {
                check(current != null, where + "sample outside a family");
                Sample sample = sample(line, where);
                check(belongs(current, sample.name()), where + "sample does not belong to family " + current.name());
                check(series.add(sample.name() + sample.labels()), where + "duplicate series");
                current.samples().add(sample);
            }
        }
        check(pendingHelpName == null, "HELP without TYPE at the end");
        exposition.families.values().forEach(Exposition::checkFamily);
        return exposition;
    }

    Family family(String name) {
        Family family = families.get(name);
        if (family == null) {
            throw new AssertionError("no family " + name + " in " + families.keySet());
        }
        return family;
    }

    public boolean has(String name) {
        return families.containsKey(name);
    }

    /** The value of the sample with exactly these labels (name/value pairs). */
    public double value(String name, String... labels) {
        Map<String, String> wanted = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        for (Family family : families.values()) {
            for (Sample sample : family.samples()) {
                if (sample.name().equals(name) && sample.labels().equals(wanted)) {
                    return sample.value();
                }
            }
        }
        throw new AssertionError("no sample " + name + wanted);
    }

    private static Sample sample(String line, String where) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        check(NAME.matcher(name).matches(), where + "bad metric name");
        Map<String, String> labels = new TreeMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int equals = line.indexOf('=', i);
                check(equals > i, where + "label without '='");
                String label = line.substring(i, equals);
                check(LABEL_NAME.matcher(label).matches(), where + "bad label name " + label);
                check(line.charAt(equals + 1) == '"', where + "label value not quoted");
                StringBuilder value = new StringBuilder();
                int j = equals + 2;
                while (line.charAt(j) != '"') {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char next = line.charAt(j + 1);
                        check(next == '\\' || next == '"' || next == 'n', where + "bad escape in label value");
                        value.append(next == 'n' ? '\n' : next);
                        j += 2;
                    } else {
                        value.append(c);
                        j++;
                    }
                }
                check(labels.put(label, value.toString()) == null, where + "label repeated");
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        check(i < line.length() && line.charAt(i) == ' ', where + "no space before the value");
        String value = line.substring(i + 1);
        return new Sample(name, labels, number(value, where));
    }

    static double number(String text, String where) {
        switch (text) {
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            case "NaN":
                return Double.NaN;
            default:
                check(FLOAT.matcher(text).matches(), where + "not a number: '" + text + "'");
                return Double.parseDouble(text);
        }
    }

    private static String unescape(String text, boolean quoted, String where) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                check(i + 1 < text.length(), where + "dangling backslash");
                char next = text.charAt(++i);
                check(next == '\\' || next == 'n' || (quoted && next == '"'), where + "bad escape");
                out.append(next == 'n' ? '\n' : next);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean belongs(Family family, String sample) {
        if (family.type().equals("histogram")) {
            return sample.equals(family.name() + "_bucket") || sample.equals(family.name() + "_sum")
                    || sample.equals(family.name() + "_count");
        }
        return sample.equals(family.name());
    }

    private static void checkFamily(Family family) {
        if (family.type().equals("counter")) {
            check(family.name().endsWith("_total"), family.name() + ": a counter's name ends in _total");
            family.samples().forEach(s -> check(s.value() >= 0, family.name() + ": negative counter"));
        }
        if (!family.type().equals("histogram")) {
            return;
        }
        // Group by the labels other than le, then check each histogram.
        Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
        Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
        Set<Map<String, String>> sums = new HashSet<>();
        for (Sample sample : family.samples()) {
            Map<String, String> key = new TreeMap<>(sample.labels());
            if (sample.name().endsWith("_bucket")) {
                check(key.remove("le") != null, family.name() + ": bucket without le");
                buckets.computeIfAbsent(key, k -> new ArrayList<>()).add(sample);
            } else if (sample.name().endsWith("_count")) {
                counts.put(key, sample.value());
            } else {
                sums.add(key);
            }
        }
        check(!buckets.isEmpty(), family.name() + ": histogram without buckets");
        buckets.forEach((key, list) -> {
            double previousBound = Double.NEGATIVE_INFINITY;
            double previousCount = 0;
            for (Sample bucket : list) {
                double bound = number(bucket.labels().get("le"), family.name() + " le: ");
                check(bound > previousBound, family.name() + ": le bounds must increase");
                check(bucket.value() >= previousCount, family.name() + ": buckets must be cumulative");
                previousBound = bound;
                previousCount = bucket.value();
            }
            check(previousBound == Double.POSITIVE_INFINITY, family.name() + ": last bucket must be +Inf");
            check(counts.containsKey(key) && counts.get(key) == previousCount,
                    family.name() + ": _count must equal the +Inf bucket");
            check(sums.contains(key), family.name() + ": _sum missing");
        });
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }
}
