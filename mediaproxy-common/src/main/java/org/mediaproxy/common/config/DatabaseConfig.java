package org.mediaproxy.common.config;

import java.util.regex.Pattern;

/**
 * {@code [Database]}: the database accounting backend (accounting.md §2).
 *
 * @param dburi {@code scheme://user:password@host/database} as for the original; {@code ""} =
 *     not set (database accounting then cannot start)
 */
public record DatabaseConfig(String dburi, String sessionsTable, String callidColumn, String fromtagColumn,
        String totagColumn, String infoColumn) {

    private static final Pattern URI = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:.+");
    // Table and column names go into SQL text (they cannot be bound parameters), so only plain
    // identifiers are accepted; a table may be qualified by its schema.
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern TABLE = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*\\.)?[A-Za-z_][A-Za-z0-9_]*");

    public boolean hasDburi() {
        return !dburi.isEmpty();
    }

    static DatabaseConfig read(SectionReader in) throws ConfigException {
        return new DatabaseConfig(
                in.get("dburi", "", DatabaseConfig::dburi),
                in.get("sessions_table", "media_sessions", value -> matching(value, TABLE, "a table name")),
                column(in, "callid_column", "call_id"),
                column(in, "fromtag_column", "from_tag"),
                column(in, "totag_column", "to_tag"),
                column(in, "info_column", "info"));
    }

    private static String dburi(String value) {
        if (!value.isEmpty() && !URI.matcher(value).matches()) {
            throw new IllegalArgumentException("expected scheme://user:password@host/database");
        }
        return value;
    }

    private static String column(SectionReader in, String option, String defaultValue) throws ConfigException {
        return in.get(option, defaultValue, value -> matching(value, IDENTIFIER, "a column name"));
    }

    private static String matching(String value, Pattern pattern, String what) {
        if (!pattern.matcher(value).matches()) {
            throw new IllegalArgumentException("expected " + what + " (letters, digits and _, not starting with a digit)");
        }
        return value;
    }
}
