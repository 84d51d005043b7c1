package org.mediaproxy.dispatcher.accounting.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mediaproxy.dispatcher.accounting.Accounting;
import org.mediaproxy.dispatcher.accounting.Await;
import org.mediaproxy.dispatcher.accounting.Fixtures;
import org.mediaproxy.dispatcher.accounting.RejectedRecordException;
import org.mediaproxy.dispatcher.accounting.SessionRecord;

/** The embedded default: no server, a file (the README demo uses it). */
class SqliteAccountingTest {

    @TempDir
    Path directory;

    private String dburi() {
        return "sqlite://" + directory.resolve("db/accounting.sqlite");
    }

    private Connection open() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + directory.resolve("db/accounting.sqlite"));
    }

    @Test
    void createsTheSameTableAsTheOriginal() throws Exception {
        DatabaseBackend.create(DatabaseSettings.withDefaults(dburi())).close();
        try (Connection connection = open()) {
            String dump = Fixtures.text("accounting-sqlite-dump.txt");
            String table = schema(connection, "media_sessions");
            String index = schema(connection, "media_sessions_callid_idx");
            assertTrue(dump.contains(table + ";\n"), table);
            assertTrue(dump.contains(index + ";\n"), index);
        }
    }

    @Test
    void storesOneRowPerSessionUnderTheConfiguredNames() throws Exception {
        SessionsTable names = DatabaseRows.customNames("mediaproxy_calls");
        try (Accounting accounting = Accounting.start(
                List.of(DatabaseBackend.create(DatabaseRows.settings(dburi(), names))), directory.resolve("spool"))) {
            accounting.submit(Fixtures.record(0));
            accounting.submit(Fixtures.record(1));
            Await.until("two rows", Duration.ofSeconds(10), () -> rows(names).size() == 2);
        }
        DatabaseRows.assertOriginalRecords(rows(names), 2);
    }

    @Test
    void storingTheSameRecordAgainIsANoOpEvenWithoutToTag() throws Exception {
        ObjectNode noToTag = Fixtures.record(0, "no-to-tag");
        noToTag.putNull("to_tag");
        SessionRecord withoutTag = SessionRecord.of(noToTag);
        SessionRecord withTag = SessionRecord.of(Fixtures.record(1));
        SessionsTable names = SessionsTable.of(DatabaseSettings.withDefaults(dburi()));
        try (DatabaseBackend backend = DatabaseBackend.create(DatabaseSettings.withDefaults(dburi()))) {
            for (int round = 0; round < 3; round++) {
                backend.account(withoutTag);
                backend.account(withTag);
            }
            assertEquals(2, rows(names).size());
            assertNull(rows(names).get(0).toTag());

            ObjectNode changed = Fixtures.record(1);
            changed.put("duration", 99);
            RejectedRecordException conflict =
                    assertThrows(RejectedRecordException.class, () -> backend.account(SessionRecord.of(changed)));
            assertTrue(conflict.getMessage().contains("already holds a different record"), conflict.getMessage());
        }
        assertEquals(2, rows(names).size());
    }

    @Test
    void recreatesATableDroppedWhileRunning() throws Exception {
        SessionsTable names = SessionsTable.of(DatabaseSettings.withDefaults(dburi()));
        try (DatabaseBackend backend = DatabaseBackend.create(DatabaseSettings.withDefaults(dburi()))) {
            try (Connection connection = open(); Statement statement = connection.createStatement()) {
                statement.execute("DROP TABLE media_sessions");
            }
            backend.account(SessionRecord.of(Fixtures.record(0)));
        }
        assertEquals(1, rows(names).size());
    }

    private List<DatabaseRows> rows(SessionsTable names) {
        try (Connection connection = open()) {
            return DatabaseRows.read(connection, names);
        } catch (SQLException e) {
            return List.of();
        }
    }

    private static String schema(Connection connection, String name) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT sql FROM sqlite_master WHERE name = '" + name + "'")) {
            assertTrue(result.next(), name + " exists");
            return result.getString(1);
        }
    }
}
