package org.mediaproxy.dispatcher.accounting.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Statement;
import java.sql.Types;
import org.mediaproxy.dispatcher.accounting.AccountingBackend;
import org.mediaproxy.dispatcher.accounting.RejectedRecordException;
import org.mediaproxy.dispatcher.accounting.SessionRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Database accounting (accounting.md §2): one row per session with Call-ID, tags and the JSON
 * record, in the table CDRTool reads.
 *
 * <p>Storing is idempotent, because records come back from the spool after a crash: the row for
 * the session's (call id, from tag, to tag) is looked up first, and a row holding the same record
 * counts as delivered. The lookup treats a null To-tag as a value, which the unique index alone
 * would not (NULLs never collide there).
 *
 * <p>The table is created when missing, at start-up and again before the next insert after any
 * failure. If the database refuses, the DDL is logged once for an operator to run; records stay
 * in the spool and are stored as soon as the table is there.
 */
public final class DatabaseBackend implements AccountingBackend {

    private static final Logger log = LoggerFactory.getLogger(DatabaseBackend.class);
    private static final String CUT_LINE = "----------------- >8 -----------------";
    private static final int VALIDATION_SECONDS = 2;
    /** SQLite's result code for a violated constraint; its driver sets no SQL state. */
    private static final int SQLITE_CONSTRAINT = 19;

    private final DatabaseUri uri;
    private final SessionsTable table;
    private final HikariDataSource pool;

    // Only touched by the accounting worker (and by the constructor before it starts).
    private boolean tableReady;
    private boolean infoIsBinary;
    private boolean definitionLogged;

    private DatabaseBackend(DatabaseUri uri, SessionsTable table, HikariDataSource pool) {
        this.uri = uri;
        this.table = table;
        this.pool = pool;
    }

    /**
     * Checks the settings (bad ones throw {@link IllegalArgumentException}: the dispatcher must not
     * start with them), opens the pool and, if the database answers, makes sure the table exists.
     * An unreachable database is not an error: records are spooled until it is back.
     */
    public static DatabaseBackend create(DatabaseSettings settings) {
        SessionsTable table = SessionsTable.of(settings);
        DatabaseUri uri = DatabaseUri.parse(settings.dburi());
        if (uri.dialect() == SqlDialect.SQLITE) {
            createSqliteDirectory(uri);
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("accounting-database");
        config.setJdbcUrl(uri.jdbcUrl());
        config.setUsername(uri.user());
        config.setPassword(uri.password());
        // One worker thread uses the pool; one connection is all it can use.
        config.setMaximumPoolSize(1);
        config.setConnectionTimeout(5_000);
        config.setValidationTimeout(VALIDATION_SECONDS * 1_000L);
        // Start even when the database is down; the spool covers the outage.
        config.setInitializationFailTimeout(-1);
        // A statement must not hang the worker forever on a dead connection.
        uri.dialect().socketTimeout().forEach(config::addDataSourceProperty);
        DatabaseBackend backend = new DatabaseBackend(uri, table, new HikariDataSource(config));
        backend.prepareAtStart();
        return backend;
    }

    @Override
    public String name() {
        return "database";
    }

    @Override
    public void account(SessionRecord record) throws Exception {
        try (Connection connection = pool.getConnection()) {
            if (!tableReady) {
                prepareTable(connection);
                store(connection, record);
                return;
            }
            try {
                store(connection, record);
            } catch (SQLException e) {
                if (!connection.isValid(VALIDATION_SECONDS)) {
                    throw e;
                }
                // Perhaps the table was dropped meanwhile: make sure it is there and try once more.
                tableReady = false;
                prepareTable(connection);
                store(connection, record);
            }
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    private void prepareAtStart() {
        try (Connection connection = pool.getConnection()) {
            prepareTable(connection);
            log.info("database accounting into table {} of {}", table.table(), uri);
        } catch (SQLException e) {
            log.warn("database accounting into table {} of {}: not usable yet ({}); records will be spooled "
                    + "until it is", table.table(), uri, e.getMessage());
        }
    }

    private void prepareTable(Connection connection) throws SQLException {
        if (probe(connection)) {
            tableReady = true;
            return;
        }
        try {
            create(connection);
        } catch (SQLException e) {
            if (!connection.isValid(VALIDATION_SECONDS)) {
                throw e; // the database went away; not a refusal
            }
            logDefinition(connection, e);
            throw new SQLException("table " + table.table() + " does not exist and cannot be created: "
                    + e.getMessage(), e);
        }
        if (!probe(connection)) {
            throw new SQLException("table " + table.table() + " exists but lacks the columns " + table.callId()
                    + ", " + table.fromTag() + ", " + table.toTag() + ", " + table.info());
        }
        tableReady = true;
    }

    /** True if the table and its four columns can be read; remembers how the info column is typed. */
    private boolean probe(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(table.probe())) {
            int type = result.getMetaData().getColumnType(4);
            infoIsBinary = type == Types.BINARY || type == Types.VARBINARY || type == Types.LONGVARBINARY
                    || type == Types.BLOB;
            return true;
        } catch (SQLException e) {
            if (!connection.isValid(VALIDATION_SECONDS)) {
                throw e;
            }
            return false;
        }
    }

    private void create(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : uri.dialect().createStatements(table)) {
                statement.execute(sql);
            }
        }
        log.info("created the accounting table {} in {}", table.table(), uri);
    }

    private void logDefinition(Connection connection, SQLException refusal) {
        if (definitionLogged) {
            return;
        }
        definitionLogged = true;
        String user = uri.user();
        String database = null;
        try {
            user = connection.getMetaData().getUserName();
            database = connection.getCatalog();
        } catch (SQLException ignored) {
            // The names only make the message friendlier.
        }
        log.error("cannot create the {} table: {}", table.table(), refusal.getMessage());
        log.info("please make sure that the {} user has the right to create tables and indexes in the {} database",
                user, database != null ? database : uri.jdbcUrl());
        log.info("until the table exists records are kept in the spool; you can create it yourself with:");
        log.info("{}\n{}\n{}", CUT_LINE, uri.dialect().script(table), CUT_LINE);
    }

    private void store(Connection connection, SessionRecord record) throws SQLException, RejectedRecordException {
        String stored = storedInfo(connection, record);
        if (stored == null) {
            try {
                insert(connection, record);
                return;
            } catch (SQLException e) {
                if (!isDuplicate(e)) {
                    if (isBadData(e)) {
                        throw new RejectedRecordException("the database refuses its values: " + e.getMessage(), e);
                    }
                    throw e;
                }
                // Someone stored the same session between lookup and insert.
                stored = storedInfo(connection, record);
                if (stored == null) {
                    throw e;
                }
            }
        }
        if (stored.equals(record.json())) {
            log.debug("{} is already in table {} (delivered before a restart)", record, table.table());
            return;
        }
        throw new RejectedRecordException("table " + table.table() + " already holds a different record with the "
                + "same call id and tags");
    }

    private String storedInfo(Connection connection, SessionRecord record) throws SQLException {
        boolean noToTag = record.toTag() == null;
        try (PreparedStatement lookup = connection.prepareStatement(table.lookup(noToTag))) {
            lookup.setString(1, record.callId());
            lookup.setString(2, record.fromTag());
            if (!noToTag) {
                lookup.setString(3, record.toTag());
            }
            try (ResultSet rows = lookup.executeQuery()) {
                String found = null;
                while (rows.next()) {
                    String info = readInfo(rows);
                    if (found == null || record.json().equals(info)) {
                        found = info == null ? "" : info;
                    }
                }
                return found;
            }
        }
    }

    private String readInfo(ResultSet rows) throws SQLException {
        if (infoIsBinary) {
            byte[] bytes = rows.getBytes(1);
            return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
        }
        return rows.getString(1);
    }

    private void insert(Connection connection, SessionRecord record) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(table.insert())) {
            insert.setString(1, record.callId());
            insert.setString(2, record.fromTag());
            insert.setString(3, record.toTag());
            if (infoIsBinary) {
                insert.setBytes(4, record.json().getBytes(StandardCharsets.UTF_8));
            } else {
                insert.setString(4, record.json());
            }
            insert.executeUpdate();
        }
    }

    private boolean isDuplicate(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLIntegrityConstraintViolationException
                || (state != null && state.startsWith("23"))
                || (uri.dialect() == SqlDialect.SQLITE && e.getErrorCode() == SQLITE_CONSTRAINT);
    }

    /** SQL state class 22: the values do not fit (e.g. a Call-ID longer than the column). */
    private static boolean isBadData(SQLException e) {
        String state = e.getSQLState();
        return state != null && state.startsWith("22");
    }

    private static void createSqliteDirectory(DatabaseUri uri) {
        String path = uri.jdbcUrl().substring("jdbc:sqlite:".length());
        int query = path.indexOf('?');
        path = query >= 0 ? path.substring(0, query) : path;
        if (path.isEmpty() || path.startsWith(":") || path.startsWith("file:")) {
            return;
        }
        Path parent = Path.of(path).toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create the directory of the SQLite database " + path + ": " + e, e);
        }
    }
}
