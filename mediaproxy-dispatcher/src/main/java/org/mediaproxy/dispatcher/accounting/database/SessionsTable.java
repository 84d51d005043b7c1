package org.mediaproxy.dispatcher.accounting.database;

import java.util.regex.Pattern;

/**
 * The accounting table's name and column names, checked to be plain SQL identifiers because they
 * are pasted into SQL text (table and column names cannot be bound as parameters).
 */
record SessionsTable(String table, String callId, String fromTag, String toTag, String info) {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern QUALIFIED = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*\\.)?[A-Za-z_][A-Za-z0-9_]*");

    SessionsTable {
        check("sessions_table", table, QUALIFIED);
        check("callid_column", callId, IDENTIFIER);
        check("fromtag_column", fromTag, IDENTIFIER);
        check("totag_column", toTag, IDENTIFIER);
        check("info_column", info, IDENTIFIER);
    }

    static SessionsTable of(DatabaseSettings settings) {
        return new SessionsTable(settings.sessionsTable(), settings.callidColumn(), settings.fromtagColumn(),
                settings.totagColumn(), settings.infoColumn());
    }

    /** The table name without a schema, the base for index names. */
    String unqualifiedTable() {
        return table.substring(table.lastIndexOf('.') + 1);
    }

    String insert() {
        return "INSERT INTO " + table + " (" + callId + ", " + fromTag + ", " + toTag + ", " + info
                + ") VALUES (?, ?, ?, ?)";
    }

    /** Finds the stored record of a session; a null To-tag needs IS NULL, which "= ?" never matches. */
    String lookup(boolean toTagIsNull) {
        return "SELECT " + info + " FROM " + table + " WHERE " + callId + " = ? AND " + fromTag + " = ? AND "
                + toTag + (toTagIsNull ? " IS NULL" : " = ?");
    }

    /** Reads no row but fails unless the table and all four columns exist and are readable. */
    String probe() {
        return "SELECT " + callId + ", " + fromTag + ", " + toTag + ", " + info + " FROM " + table + " WHERE 1 = 0";
    }

    private static void check(String option, String value, Pattern pattern) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new IllegalArgumentException("[Database] " + option + " must be an SQL identifier (letters, digits, "
                    + "underscore), not '" + value + "'");
        }
    }
}
