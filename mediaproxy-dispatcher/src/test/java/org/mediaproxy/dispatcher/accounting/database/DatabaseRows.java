package org.mediaproxy.dispatcher.accounting.database;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.mediaproxy.common.json.PythonJson;
import org.mediaproxy.dispatcher.accounting.Fixtures;

/** Reads an accounting table back the way CDRTool would, for assertions. */
record DatabaseRows(long id, String callId, String fromTag, String toTag, String info) {

    static List<DatabaseRows> read(Connection connection, SessionsTable table) throws SQLException {
        List<DatabaseRows> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT id, " + table.callId() + ", " + table.fromTag() + ", "
                     + table.toTag() + ", " + table.info() + " FROM " + table.table() + " ORDER BY id")) {
            int infoType = result.getMetaData().getColumnType(5);
            boolean binary = infoType == Types.BINARY || infoType == Types.VARBINARY
                    || infoType == Types.LONGVARBINARY || infoType == Types.BLOB;
            while (result.next()) {
                String info = binary ? new String(result.getBytes(5), StandardCharsets.UTF_8) : result.getString(5);
                rows.add(new DatabaseRows(result.getLong(1), result.getString(2), result.getString(3),
                        result.getString(4), info));
            }
        }
        return rows;
    }

    /**
     * Asserts that the rows hold the first {@code count} original 4.1.2 records: the keys, and
     * the info column both field by field and byte for byte as the original wrote it.
     */
    static void assertOriginalRecords(List<DatabaseRows> rows, int count) {
        for (int i = 0; i < count; i++) {
            JsonNode original = Fixtures.storedRow(i);
            DatabaseRows row = rows.get(i);
            assertEquals(original.get("call_id").textValue(), row.callId());
            assertEquals(original.get("from_tag").textValue(), row.fromTag());
            assertEquals(original.get("to_tag").textValue(), row.toTag());
            assertEquals(original.get("info"), PythonJson.parse(row.info()), "info, field by field");
            assertEquals(Fixtures.originalInfoTexts().get(i), row.info(), "info, byte for byte");
        }
    }

    static SessionsTable customNames(String table) {
        return new SessionsTable(table, "sip_call_id", "sip_from_tag", "sip_to_tag", "session_json");
    }

    static DatabaseSettings settings(String dburi, SessionsTable table) {
        return new DatabaseSettings(dburi, table.table(), table.callId(), table.fromTag(), table.toTag(), table.info());
    }
}
