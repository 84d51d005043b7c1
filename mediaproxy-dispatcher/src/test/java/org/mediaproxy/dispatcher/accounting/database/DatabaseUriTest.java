package org.mediaproxy.dispatcher.accounting.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DatabaseUriTest {

    @Test
    void readsTheOriginalsMysqlForm() {
        DatabaseUri uri = DatabaseUri.parse("mysql://mediaproxy:CHANGEME@localhost/mediaproxy");
        assertEquals(new DatabaseUri(SqlDialect.MARIADB, "jdbc:mariadb://localhost/mediaproxy", "mediaproxy", "CHANGEME"), uri);
    }

    @Test
    void keepsPortsAndDecodesEscapedCredentials() {
        DatabaseUri uri = DatabaseUri.parse("mysql://acc%40unt:p%3Ass+w@rd@db.example.com:3307/media?charset=utf8");
        assertEquals("jdbc:mariadb://db.example.com:3307/media", uri.jdbcUrl());
        assertEquals("acc@unt", uri.user());
        assertEquals("p:ss+w@rd", uri.password());
    }

    @Test
    void readsPostgresFormsAndUrlsWithoutCredentials() {
        assertEquals(new DatabaseUri(SqlDialect.POSTGRESQL, "jdbc:postgresql://127.0.0.1:5432/acc", "u", "p"),
                DatabaseUri.parse("postgres://u:p@127.0.0.1:5432/acc"));
        assertEquals(new DatabaseUri(SqlDialect.POSTGRESQL, "jdbc:postgresql://db/acc", "u", null),
                DatabaseUri.parse("postgresql://u@db/acc"));
        assertEquals(new DatabaseUri(SqlDialect.MARIADB, "jdbc:mariadb://db/acc", null, null),
                DatabaseUri.parse("mysql://db/acc"));
    }

    @Test
    void readsSqliteFilePaths() {
        assertEquals("jdbc:sqlite:/var/lib/mediaproxy/accounting.sqlite",
                DatabaseUri.parse("sqlite:///var/lib/mediaproxy/accounting.sqlite").jdbcUrl());
        assertEquals("jdbc:sqlite:/var/x.db", DatabaseUri.parse("sqlite:/var/x.db").jdbcUrl());
        assertEquals("jdbc:sqlite:run/x.db", DatabaseUri.parse("sqlite:run/x.db").jdbcUrl());
        assertEquals(SqlDialect.SQLITE, DatabaseUri.parse("sqlite:///x.db").dialect());
    }

    @Test
    void takesJdbcUrlsAsTheyAre() {
        assertEquals(new DatabaseUri(SqlDialect.MARIADB, "jdbc:mariadb://h/db?user=a&password=b", null, null),
                DatabaseUri.parse("jdbc:mariadb://h/db?user=a&password=b"));
        assertEquals(SqlDialect.POSTGRESQL, DatabaseUri.parse("jdbc:postgresql://h/db").dialect());
        assertEquals(SqlDialect.SQLITE, DatabaseUri.parse("jdbc:sqlite:/tmp/x.db").dialect());
    }

    @Test
    void refusesWhatItCannotServeWithAClearMessage() {
        assertTrue(message("").contains("dburi is empty"));
        assertTrue(message("firebird://u:p@h/db").contains("unsupported [Database] dburi scheme 'firebird'"));
        assertTrue(message("mysql://u:secret@h").contains("names no database"));
        assertFalse(message("mysql://u:secret@h").contains("secret"), "passwords stay out of messages");
        assertTrue(message("jdbc:oracle:thin:@h:1521:x").contains("unsupported [Database] dburi"));
        assertTrue(message("jdbc:mysql://h/db").contains("no JDBC driver accepts"));
        assertTrue(message("just-a-name").contains("has no scheme"));
    }

    @Test
    void neverShowsThePassword() {
        assertFalse(DatabaseUri.parse("mysql://u:secret@h/db").toString().contains("secret"));
    }

    private static String message(String dburi) {
        return assertThrows(IllegalArgumentException.class, () -> DatabaseUri.parse(dburi)).getMessage();
    }
}
