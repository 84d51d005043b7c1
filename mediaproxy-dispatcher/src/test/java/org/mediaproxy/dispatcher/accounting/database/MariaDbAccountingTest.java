package org.mediaproxy.dispatcher.accounting.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.mediaproxy.dispatcher.accounting.Fixtures;
import org.mediaproxy.dispatcher.accounting.SessionRecord;

class MariaDbAccountingTest extends ServerDatabaseTests {

    @Override
    String service() {
        return "mariadb";
    }

    @Override
    String dburi(String user) {
        return "mysql://" + user + ":" + PASSWORD + "@127.0.0.1/mediaproxy_test";
    }

    @Override
    String jdbcUrl() {
        return "jdbc:mariadb://127.0.0.1/mediaproxy_test";
    }

    @Override
    SqlDialect dialect() {
        return SqlDialect.MARIADB;
    }

    @Test
    void theUniqueKeyIsAnOrdinaryCaseSensitiveIndexOnCurrentDefaults() throws Exception {
        try (DatabaseBackend backend = DatabaseBackend.create(DatabaseRows.settings(dburi(ADMIN), names))) {
            backend.account(SessionRecord.of(Fixtures.record(0, "call-id@host")));
            backend.account(SessionRecord.of(Fixtures.record(0, "CALL-ID@host")));
        }
        assertEquals(2, rows().size(), "Call-IDs differing in case are different calls");
        try (Connection connection = admin(); Statement statement = connection.createStatement();
             ResultSet created = statement.executeQuery("SHOW CREATE TABLE " + names.table())) {
            created.next();
            String definition = created.getString(2);
            assertTrue(definition.contains(
                    "UNIQUE KEY `callid_idx` (`sip_call_id`,`sip_from_tag`,`sip_to_tag`)\n"), definition);
            assertFalse(definition.contains("USING HASH"), definition);
            assertTrue(definition.contains("ENGINE=InnoDB"), definition);
            assertTrue(definition.contains("DEFAULT CHARSET=utf8mb4"), definition);
        }
    }
}
