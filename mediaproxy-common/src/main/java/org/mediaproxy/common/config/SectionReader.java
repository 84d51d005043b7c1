package org.mediaproxy.common.config;

import org.mediaproxy.common.daemon.LogLevel;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.mediaproxy.common.tls.Passport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the options of one section, converting each with its type and turning a conversion
 * failure into the one-line {@link ConfigException}. Remembers which options were asked for, so
 * the rest can be reported as unknown.
 */
final class SectionReader {

    private static final Logger LOG = LoggerFactory.getLogger(MediaProxyConfig.class);

    private static final Map<String, Boolean> BOOLEANS = Map.of(
            "yes", true, "true", true, "on", true, "1", true,
            "no", false, "false", false, "off", false, "0", false);

    private final IniFile ini;
    private final String section;
    private final Map<String, IniFile.Entry> options;
    private final Set<String> known = new HashSet<>();

    SectionReader(IniFile ini, String section) {
        this.ini = ini;
        this.section = section;
        this.options = ini.options(section);
    }

    /**
     * The option's value (interpolated, stripped) converted, or {@code defaultValue} when the
     * option is absent. The converter rejects a value by throwing an
     * {@link IllegalArgumentException} whose message is the reason shown after the value.
     */
    <T> T get(String option, T defaultValue, Function<String, T> converter) throws ConfigException {
        known.add(option);
        IniFile.Entry entry = options.get(option);
        if (entry == null) {
            return defaultValue;
        }
        String value;
        try {
            value = ini.value(section, entry);
        } catch (IllegalArgumentException e) {
            throw bad(option, entry.value(), e.getMessage());
        }
        try {
            return converter.apply(value.strip());
        } catch (IllegalArgumentException e) {
            throw bad(option, value, e.getMessage());
        }
    }

    String string(String option, String defaultValue) throws ConfigException {
        return get(option, defaultValue, value -> value);
    }

    String nonEmpty(String option, String defaultValue) throws ConfigException {
        return get(option, defaultValue, value -> {
            if (value.isEmpty()) {
                throw new IllegalArgumentException("must not be empty");
            }
            return value;
        });
    }

    boolean bool(String option, boolean defaultValue) throws ConfigException {
        return get(option, defaultValue, value -> {
            Boolean result = BOOLEANS.get(value.toLowerCase(Locale.ROOT));
            if (result == null) {
                throw new IllegalArgumentException("expected yes/no, true/false, on/off or 1/0");
            }
            return result;
        });
    }

    /** A decimal integer {@code >= minimum}. */
    int integer(String option, int defaultValue, int minimum) throws ConfigException {
        return get(option, defaultValue, value -> integer(value, minimum));
    }

    /** Whole seconds {@code >= minimum}. */
    Duration seconds(String option, int defaultSeconds, int minimum) throws ConfigException {
        return Duration.ofSeconds(integer(option, defaultSeconds, minimum));
    }

    /** Whole milliseconds {@code >= minimum}. */
    Duration millis(String option, int defaultMillis, int minimum) throws ConfigException {
        return Duration.ofMillis(integer(option, defaultMillis, minimum));
    }

    private static int integer(String value, int minimum) {
        String digits = value.startsWith("+") || value.startsWith("-") ? value.substring(1) : value;
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("expected a whole number");
        }
        long number;
        try {
            number = Long.parseLong(value.startsWith("+") ? digits : value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("number is too large", e);
        }
        if (number > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("number is too large (at most " + Integer.MAX_VALUE + ")");
        }
        if (number < minimum) {
            throw new IllegalArgumentException(minimum == 0 ? "must not be negative" : "must be at least " + minimum);
        }
        return (int) number;
    }

    LogLevel logLevel(String option, LogLevel defaultValue) throws ConfigException {
        return get(option, defaultValue, LogLevel::parse);
    }

    Passport passport(String option) throws ConfigException {
        return get(option, Passport.NONE, Passport::parse);
    }

    /** An IPv4 dotted quad; empty value (or absent) = not set. */
    Optional<InetAddress> ip(String option) throws ConfigException {
        return get(option, Optional.empty(), value -> value.isEmpty() ? Optional.empty() : Optional.of(Ipv4.parse(value)));
    }

    /** An address the daemon binds to: a host name must resolve now. */
    HostPort listenAddress(String option, int defaultPort) throws ConfigException {
        return get(option, new HostPort("0.0.0.0", defaultPort), value -> resolvable(HostPort.parse(value, defaultPort)));
    }

    /** Like {@link #listenAddress} but {@code none} or empty (or absent) = off. */
    Optional<HostPort> optionalListenAddress(String option, int defaultPort) throws ConfigException {
        return get(option, Optional.empty(), value -> value.isEmpty() || value.equalsIgnoreCase("none")
                ? Optional.empty()
                : Optional.of(resolvable(HostPort.parse(value, defaultPort))));
    }

    private static HostPort resolvable(HostPort address) {
        if (address.toSocketAddress().isUnresolved()) {
            throw new IllegalArgumentException("cannot resolve host name '" + address.host() + "'");
        }
        return address;
    }

    /** A file system path; must not be empty. */
    static Path path(String value) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("must not be empty");
        }
        return Path.of(value);
    }

    /** One of the enum's constants, by name ignoring case. */
    <E extends Enum<E>> E choice(String option, E defaultValue) throws ConfigException {
        Class<E> type = defaultValue.getDeclaringClass();
        return get(option, defaultValue, value -> {
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equalsIgnoreCase(value)) {
                    return constant;
                }
            }
            throw new IllegalArgumentException("expected one of " + String.join(", ",
                    Arrays.stream(type.getEnumConstants())
                            .map(constant -> constant.name().toLowerCase(Locale.ROOT)).toList()));
        });
    }

    /**
     * A list whose items are separated by commas and/or whitespace; {@code none} or empty =
     * empty list.
     */
    <T> List<T> list(String option, Function<String, T> item) throws ConfigException {
        return get(option, List.of(), value -> value.isEmpty() || value.equalsIgnoreCase("none")
                ? List.of()
                : Arrays.stream(value.split("[,\\s]+")).filter(text -> !text.isEmpty()).map(item).toList());
    }

    /** Like {@link #list} but a set of lower-case words, in order, each one of {@code allowed}. */
    Set<String> words(String option, Set<String> allowed) throws ConfigException {
        List<String> words = list(option, word -> {
            String lower = word.toLowerCase(Locale.ROOT);
            if (!allowed.contains(lower)) {
                throw new IllegalArgumentException("unknown name '" + word + "' (expected "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
            return lower;
        });
        return Collections.unmodifiableSet(new LinkedHashSet<>(words));
    }

    /** The failure for a value of this section, in the one-line format. */
    private ConfigException bad(String option, String value, String reason) {
        return new ConfigException(ini.source() + ": [" + section + "] " + option + " = "
                + IniFile.oneLine(value) + ": " + IniFile.oneLine(String.valueOf(reason)));
    }

    /** Warns about every option of the section (not of [DEFAULT]) that was never asked for. */
    void warnAboutUnknownOptions() {
        ini.section(section).ifPresent(own -> own.entries().values().stream()
                .filter(entry -> !known.contains(entry.name()))
                .forEach(entry -> LOG.warn("{}: line {}: [{}] {} is not a known option; ignored",
                        ini.source(), entry.line(), section, entry.name())));
    }

    /** The option names asked for so far. */
    Set<String> knownOptions() {
        return Set.copyOf(known);
    }
}
