package org.mediaproxy.dispatcher.accounting.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mediaproxy.dispatcher.accounting.Accounting;
import org.mediaproxy.dispatcher.accounting.AccountingBackend;
import org.mediaproxy.dispatcher.accounting.Await;
import org.mediaproxy.dispatcher.accounting.DeliveryPolicy;
import org.mediaproxy.dispatcher.accounting.Fixtures;
import org.mediaproxy.dispatcher.accounting.LogCapture;
import org.mediaproxy.dispatcher.accounting.RealServers;
import org.mediaproxy.dispatcher.accounting.SessionRecord;

/**
 * Database accounting against a real server that {@code scripts/test-services} installs and
 * starts. Every test works in a table of its own, with non-default table and column names.
 */
abstract class ServerDatabaseTests {

    static final String ADMIN = "mediaproxy";
    static final String NO_CREATE = "mediaproxy_nocreate";
    static final String PASSWORD = "mediaproxy";
    private static final String CUT_LINE = "----------------- >8 -----------------";
    private static final DeliveryPolicy FAST =
            new DeliveryPolicy(Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(5));
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path spool;

    SessionsTable names;

    /** The service name for {@code scripts/test-services}. */
    abstract String service();

    /** The original's URI form for this server and user. */
    abstract String dburi(String user);

    abstract String jdbcUrl();

    abstract SqlDialect dialect();

    @BeforeEach
    void startServer() {
        RealServers.ensure(service());
        names = DatabaseRows.customNames("mp_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
    }

    @AfterEach
    void dropTable() throws SQLException {
        try (Connection connection = admin(); Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS " + names.table());
        }
    }

    Connection admin() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), ADMIN, PASSWORD);
    }

    List<DatabaseRows> rows() {
        try (Connection connection = admin()) {
            return DatabaseRows.read(connection, names);
        } catch (SQLException e) {
            return List.of();
        }
    }

    private Accounting start(AccountingBackend backend) throws Exception {
        return Accounting.start(List.of(backend), spool, FAST);
    }

    private DatabaseBackend backend(String user) {
        return DatabaseBackend.create(DatabaseRows.settings(dburi(user), names));
    }

    @Test
    void createsTheTableUnderTheConfiguredNamesAndStoresWhatCdrToolReads() throws Exception {
        try (Accounting accounting = start(backend(ADMIN))) {
            accounting.submit(Fixtures.record(0));
            accounting.submit(Fixtures.record(1));
            Await.until("two rows", WAIT, () -> rows().size() == 2);
        }
        DatabaseRows.assertOriginalRecords(rows(), 2);
    }

    @Test
    void aRefusedCreationLogsTheDefinitionAndRecordsWaitForTheTable() throws Exception {
        try (LogCapture log = LogCapture.of(DatabaseBackend.class);
             Accounting accounting = start(backend(NO_CREATE))) {
            String text = log.text();
            assertTrue(text.contains("cannot create the " + names.table() + " table"), text);
            assertTrue(text.contains("please make sure that the " + NO_CREATE), text);
            int first = text.indexOf(CUT_LINE);
            int second = text.indexOf(CUT_LINE, first + CUT_LINE.length());
            assertTrue(first >= 0 && second > first, text);
            String script = text.substring(first + CUT_LINE.length(), second).strip();
            assertEquals(dialect().script(names), script);

            for (int i = 0; i < 3; i++) {
                accounting.submit(Fixtures.record(0, "waiting-" + i));
            }
            Await.until("records spooled", WAIT, () -> accounting.spoolDepth() == 3);

            try (Connection connection = admin(); Statement statement = connection.createStatement()) {
                for (String sql : script.split(";\n")) {
                    statement.execute(sql.endsWith(";") ? sql.substring(0, sql.length() - 1) : sql);
                }
            }
            Await.until("the spooled records stored", WAIT, () -> rows().size() == 3 && accounting.spoolDepth() == 0);
            assertEquals(1, text.split(CUT_LINE, -1).length / 2, "the definition is logged once");
        }
    }

    @Test
    void replayingASpoolAgainAfterACrashStoresEachSessionOnce() throws Exception {
        List<String> records = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ObjectNode record = Fixtures.record(i % 2, "replayed-" + i);
            if (i % 3 == 0) {
                record.putNull("to_tag"); // NULLs never collide in the unique index
            }
            records.add(SessionRecord.of(record).json());
        }
        Path queue = spool.resolve("database");
        for (int round = 0; round < 2; round++) {
            // What a crash after the inserts but before the spool files were removed leaves behind.
            Files.createDirectories(queue);
            Files.writeString(queue.resolve("00000000000000000001-4.jsonl"), String.join("\n", records.subList(0, 4)));
            Files.writeString(queue.resolve("00000000000000000002-6.jsonl"), String.join("\n", records.subList(4, 10)));
            try (Accounting accounting = start(backend(ADMIN))) {
                Await.until("the replay", WAIT, () -> accounting.spoolDepth() == 0);
            }
            assertEquals(records.size(), rows().size(), "round " + round);
        }
        assertEquals(records, rows().stream().map(DatabaseRows::info).collect(Collectors.toList()));
    }

    @Test
    void anOutageLosesNothing() throws Exception {
        try (Accounting accounting = start(backend(ADMIN))) {
            accounting.submit(Fixtures.record(0, "before-outage"));
            Await.until("the first row", WAIT, () -> rows().size() == 1);
            RealServers.stop(service());
            try {
                for (int i = 0; i < 100; i++) {
                    accounting.submit(Fixtures.record(1, "outage-" + i));
                }
                Await.until("100 spooled records", WAIT, () -> accounting.spoolDepth() == 100);
            } finally {
                RealServers.start(service());
            }
            Await.until("101 rows", WAIT, () -> rows().size() == 101 && accounting.spoolDepth() == 0);
        }
        List<String> callIds = rows().stream().map(DatabaseRows::callId).collect(Collectors.toList());
        assertEquals(101, callIds.stream().distinct().count());
        assertEquals("before-outage", callIds.get(0));
        for (int i = 0; i < 100; i++) {
            assertEquals("outage-" + i, callIds.get(i + 1), "stored in order");
        }
    }
}
