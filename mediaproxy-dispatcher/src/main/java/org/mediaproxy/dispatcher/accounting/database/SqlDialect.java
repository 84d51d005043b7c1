package org.mediaproxy.dispatcher.accounting.database;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What differs between the supported databases: the table definition (accounting.md §2.1). */
enum SqlDialect {

    /**
     * MariaDB and MySQL. The original made a MyISAM table whose three-column unique key needs
     * 4 * (255 + 64 + 64) bytes once the default character set is utf8mb4: more than MyISAM's
     * 1000-byte key limit, so MySQL refuses it and MariaDB (10.4+) quietly turns it into a hash
     * constraint. InnoDB takes it as an ordinary B-tree key (limit 3072 bytes). The key columns
     * are binary collated because SIP Call-IDs and tags are case-sensitive.
     */
    MARIADB {
        @Override
        List<String> createStatements(SessionsTable t) {
            String key = " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
            return List.of("CREATE TABLE IF NOT EXISTS " + t.table() + " (\n"
                    + "    id INT PRIMARY KEY AUTO_INCREMENT,\n"
                    + "    " + t.callId() + " VARCHAR(255)" + key + " NOT NULL,\n"
                    + "    " + t.fromTag() + " VARCHAR(64)" + key + " NOT NULL,\n"
                    + "    " + t.toTag() + " VARCHAR(64)" + key + ",\n"
                    + "    " + t.info() + " MEDIUMBLOB,\n"
                    + "    UNIQUE KEY callid_idx (" + t.callId() + ", " + t.fromTag() + ", " + t.toTag() + ")\n"
                    + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
        }

        @Override
        Map<String, String> socketTimeout() {
            return Map.of("socketTimeout", Long.toString(SOCKET_TIMEOUT.toMillis()));
        }
    },

    POSTGRESQL {
        @Override
        List<String> createStatements(SessionsTable t) {
            return List.of(createTable(t, "SERIAL PRIMARY KEY", "BYTEA"), uniqueIndex(t));
        }

        @Override
        Map<String, String> socketTimeout() {
            return Map.of("socketTimeout", Long.toString(SOCKET_TIMEOUT.toSeconds()));
        }
    },

    /** Same shape as the table the original created in SQLite (see the fixture dump). */
    SQLITE {
        @Override
        List<String> createStatements(SessionsTable t) {
            return List.of(createTable(t, "INTEGER PRIMARY KEY AUTOINCREMENT", "CHAR(16777215)"), uniqueIndex(t));
        }

        @Override
        Map<String, String> socketTimeout() {
            return Map.of(); // a local file
        }
    };

    /** Longest wait for a database answer before the attempt counts as failed. */
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(30);

    /** The statements that create the table and its unique index when they do not exist. */
    abstract List<String> createStatements(SessionsTable table);

    /** Driver properties bounding how long a statement may wait for the server. */
    abstract Map<String, String> socketTimeout();

    /** The statements as an operator would paste them into a SQL shell. */
    String script(SessionsTable table) {
        return String.join(";\n", createStatements(table)) + ";";
    }

    private static String createTable(SessionsTable t, String idType, String infoType) {
        return "CREATE TABLE IF NOT EXISTS " + t.table() + " (\n"
                + "    id " + idType + ",\n"
                + "    " + t.callId() + " VARCHAR(255) NOT NULL,\n"
                + "    " + t.fromTag() + " VARCHAR(64) NOT NULL,\n"
                + "    " + t.toTag() + " VARCHAR(64),\n"
                + "    " + t.info() + " " + infoType + "\n"
                + ")";
    }

    private static String uniqueIndex(SessionsTable t) {
        return "CREATE UNIQUE INDEX IF NOT EXISTS " + t.unqualifiedTable() + "_callid_idx ON " + t.table()
                + " (" + t.callId() + ", " + t.fromTag() + ", " + t.toTag() + ")";
    }
}
