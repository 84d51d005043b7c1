package org.mediaproxy.dispatcher.accounting.database;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;

/**
 * A {@code [Database] dburi} turned into what JDBC needs.
 *
 * <p>Accepts the original's SQLObject URIs, {@code scheme://[user[:password]@]host[:port]/database}
 * with scheme {@code mysql}, {@code mariadb}, {@code postgres} or {@code postgresql} (user and
 * password percent-decoded, query parameters ignored), {@code sqlite:///absolute/path} or
 * {@code sqlite:relative/path}, and plain JDBC URLs ({@code jdbc:mariadb:…},
 * {@code jdbc:postgresql:…}, {@code jdbc:sqlite:…}) which are used as they are.
 *
 * @param user     null when the URL carries the credentials itself
 * @param password null when the URL carries the credentials itself
 */
record DatabaseUri(SqlDialect dialect, String jdbcUrl, String user, String password) {

    static DatabaseUri parse(String dburi) {
        if (dburi == null || dburi.isBlank()) {
            throw new IllegalArgumentException("database accounting is enabled but [Database] dburi is empty");
        }
        String uri = dburi.trim();
        DatabaseUri parsed = uri.regionMatches(true, 0, "jdbc:", 0, 5) ? fromJdbc(uri) : fromSqlObject(uri);
        parsed.checkDriver(dburi);
        return parsed;
    }

    private static DatabaseUri fromJdbc(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        SqlDialect dialect;
        if (lower.startsWith("jdbc:mariadb:") || lower.startsWith("jdbc:mysql:")) {
            dialect = SqlDialect.MARIADB;
        } else if (lower.startsWith("jdbc:postgresql:")) {
            dialect = SqlDialect.POSTGRESQL;
        } else if (lower.startsWith("jdbc:sqlite:")) {
            dialect = SqlDialect.SQLITE;
        } else {
            throw new IllegalArgumentException("unsupported [Database] dburi " + url
                    + " (supported: MariaDB/MySQL, PostgreSQL, SQLite)");
        }
        return new DatabaseUri(dialect, url, null, null);
    }

    private static DatabaseUri fromSqlObject(String uri) {
        int colon = uri.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("[Database] dburi " + uri + " has no scheme (expected e.g. "
                    + "mysql://user:password@host/database)");
        }
        String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = uri.substring(colon + 1);
        switch (scheme) {
            case "sqlite":
                // sqlite:///var/x.db and sqlite:/var/x.db both mean /var/x.db
                String path = rest.startsWith("//") ? rest.substring(2) : rest;
                int query = path.indexOf('?');
                path = query >= 0 ? path.substring(0, query) : path;
                if (path.isEmpty()) {
                    throw new IllegalArgumentException("[Database] dburi " + uri + " names no SQLite file");
                }
                return new DatabaseUri(SqlDialect.SQLITE, "jdbc:sqlite:" + path, null, null);
            case "mysql", "mariadb":
                return server(SqlDialect.MARIADB, "jdbc:mariadb://", uri, rest);
            case "postgres", "postgresql", "psycopg", "pgsql":
                return server(SqlDialect.POSTGRESQL, "jdbc:postgresql://", uri, rest);
            default:
                throw new IllegalArgumentException("unsupported [Database] dburi scheme '" + scheme
                        + "' (supported: mysql, postgres, sqlite, or a JDBC URL)");
        }
    }

    private static DatabaseUri server(SqlDialect dialect, String prefix, String uri, String rest) {
        if (!rest.startsWith("//")) {
            throw new IllegalArgumentException("[Database] dburi " + redact(uri) + " is not scheme://user:password@host/database");
        }
        String authorityAndPath = rest.substring(2);
        int slash = authorityAndPath.indexOf('/', Math.max(authorityAndPath.lastIndexOf('@'), 0));
        if (slash < 0 || slash == authorityAndPath.length() - 1) {
            throw new IllegalArgumentException("[Database] dburi " + redact(uri) + " names no database");
        }
        String authority = authorityAndPath.substring(0, slash);
        String database = authorityAndPath.substring(slash + 1);
        int query = database.indexOf('?');
        if (query >= 0) {
            database = database.substring(0, query);
        }
        String user = null;
        String password = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            int separator = userInfo.indexOf(':');
            user = decode(separator >= 0 ? userInfo.substring(0, separator) : userInfo);
            password = separator >= 0 ? decode(userInfo.substring(separator + 1)) : null;
            authority = authority.substring(at + 1);
        }
        String host = authority.isEmpty() ? "localhost" : authority;
        return new DatabaseUri(dialect, prefix + host + "/" + database, user, password);
    }

    private static String decode(String text) {
        // URLDecoder would turn '+' into a space; in a URI's user info '+' is just '+'.
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String redact(String uri) {
        return uri.replaceAll("(//[^:/@]*:)[^@]*@", "$1***@");
    }

    private void checkDriver(String dburi) {
        try {
            DriverManager.getDriver(jdbcUrl);
        } catch (SQLException e) {
            throw new IllegalArgumentException("no JDBC driver accepts [Database] dburi " + redact(dburi)
                    + " (" + jdbcUrl + ")", e);
        }
    }

    /** The database as an operator would name it: the URL without credentials. */
    @Override
    public String toString() {
        return redact(jdbcUrl) + (user != null ? " as " + user : "");
    }
}
