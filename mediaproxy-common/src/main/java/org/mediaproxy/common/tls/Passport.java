package org.mediaproxy.common.tls;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * The MediaProxy "passport": a filter on the peer certificate's subject, checked after the TLS
 * handshake (configuration.md §7). {@code O:AG Projects, CN:relay*} requires O to equal
 * "AG Projects" and CN to start with "relay"; a leading {@code *} means "ends with"; {@code \,}
 * is a literal comma; {@code None} disables the check.
 */
public final class Passport {

    /** No subject check: only the CA signature (and validity, CRL) count. */
    public static final Passport NONE = new Passport(Map.of(), "None");

    private static final Set<String> ATTRIBUTES = Set.of("CN", "OU", "O", "L", "ST", "C", "EMAIL");

    private final Map<String, String> required;
    private final String text;

    private Passport(Map<String, String> required, String text) {
        this.required = required;
        this.text = text;
    }

    /**
     * Parses the configuration syntax.
     *
     * @throws IllegalArgumentException naming the offending pair when the syntax is wrong
     */
    public static Passport parse(String value) {
        String trimmed = value == null ? "" : value.strip();
        if (trimmed.isEmpty() || trimmed.equalsIgnoreCase("none")) {
            return NONE;
        }
        Map<String, String> required = new LinkedHashMap<>();
        for (String pair : splitPairs(trimmed)) {
            int colon = pair.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("passport element '" + pair + "' is not of the form ATTRIBUTE:value");
            }
            String attribute = pair.substring(0, colon).strip().toUpperCase(Locale.ROOT);
            if (!ATTRIBUTES.contains(attribute)) {
                throw new IllegalArgumentException("passport attribute '" + pair.substring(0, colon).strip()
                        + "' is unknown (use CN, OU, O, L, ST, C or EMAIL)");
            }
            required.put(attribute, pair.substring(colon + 1).replace("\\,", ","));
        }
        return new Passport(Map.copyOf(required), trimmed);
    }

    /** Splits on commas not escaped by a backslash, skipping whitespace after each comma. */
    private static List<String> splitPairs(String value) {
        List<String> pairs = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) == ',' && (i == 0 || value.charAt(i - 1) != '\\')) {
                pairs.add(value.substring(start, i));
                start = i + 1;
                while (start < value.length() && Character.isWhitespace(value.charAt(start))) {
                    start++;
                }
                i = start - 1;
            }
        }
        pairs.add(value.substring(start));
        return pairs;
    }

    public boolean isNone() {
        return required.isEmpty();
    }

    /** True when every configured attribute matches the subject; a missing attribute fails. */
    public boolean matches(X500Principal subject) {
        if (required.isEmpty()) {
            return true;
        }
        Map<String, String> actual = attributesOf(subject);
        for (Map.Entry<String, String> entry : required.entrySet()) {
            String value = actual.get(entry.getKey());
            if (value == null || !matches(entry.getValue(), value)) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(String pattern, String value) {
        if (pattern.startsWith("*")) {
            return value.endsWith(pattern.substring(1));
        }
        if (pattern.endsWith("*")) {
            return value.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return value.equals(pattern);
    }

    private static Map<String, String> attributesOf(X500Principal subject) {
        Map<String, String> attributes = new LinkedHashMap<>();
        try {
            // RFC 2253 with the e-mail OID spelled out so that EMAIL can be matched by name.
            String name = subject.getName(X500Principal.RFC2253, Map.of("1.2.840.113549.1.9.1", "EMAIL"));
            for (Rdn rdn : new LdapName(name).getRdns()) {
                attributes.putIfAbsent(rdn.getType().toUpperCase(Locale.ROOT), String.valueOf(rdn.getValue()));
            }
        } catch (InvalidNameException e) {
            throw new IllegalArgumentException("unparsable certificate subject " + subject, e);
        }
        return attributes;
    }

    @Override
    public String toString() {
        return text;
    }
}
