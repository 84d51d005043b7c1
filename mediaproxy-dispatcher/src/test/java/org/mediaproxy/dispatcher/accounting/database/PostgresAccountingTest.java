package org.mediaproxy.dispatcher.accounting.database;

class PostgresAccountingTest extends ServerDatabaseTests {

    @Override
    String service() {
        return "postgresql";
    }

    @Override
    String dburi(String user) {
        return "postgres://" + user + ":" + PASSWORD + "@127.0.0.1/mediaproxy_test";
    }

    @Override
    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1/mediaproxy_test";
    }

    @Override
    SqlDialect dialect() {
        return SqlDialect.POSTGRESQL;
    }
}
