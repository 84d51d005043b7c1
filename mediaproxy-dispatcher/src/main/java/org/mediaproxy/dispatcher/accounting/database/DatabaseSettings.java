package org.mediaproxy.dispatcher.accounting.database;

/**
 * The {@code [Database]} options (accounting.md §2), as plain values.
 *
 * @param dburi either the original's form ({@code mysql://user:password@host[:port]/database},
 *              {@code postgres://…}, {@code sqlite:///absolute/path}) or a JDBC URL
 */
public record DatabaseSettings(String dburi, String sessionsTable, String callidColumn, String fromtagColumn,
                               String totagColumn, String infoColumn) {

    /** The original's defaults for every option but {@code dburi}. */
    public static DatabaseSettings withDefaults(String dburi) {
        return new DatabaseSettings(dburi, "media_sessions", "call_id", "from_tag", "to_tag", "info");
    }
}
