package org.mediaproxy.dispatcher.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mediaproxy.dispatcher.accounting.database.DatabaseSettings;
import org.mediaproxy.dispatcher.accounting.radius.RadiusSettings;

class AccountingBackendsTest {

    @TempDir
    Path directory;

    private RadiusSettings radius() throws IOException {
        Files.writeString(directory.resolve("dictionary"), "");
        Files.writeString(directory.resolve("servers"), "127.0.0.1 secret\n");
        Path conf = directory.resolve("client.conf");
        Files.writeString(conf, "acctserver 127.0.0.1\nservers servers\ndictionary dictionary\n"
                + "radius_timeout 1\nradius_retries 1\n");
        return new RadiusSettings(conf, RealServers.repository().resolve("radius/dictionary"));
    }

    private DatabaseSettings sqlite() {
        return DatabaseSettings.withDefaults("sqlite://" + directory.resolve("accounting.sqlite"));
    }

    @Test
    void buildsEachNamedBackendOnceAndIgnoresUnknownNames() throws Exception {
        try (LogCapture log = LogCapture.of(AccountingBackends.class)) {
            List<AccountingBackend> backends = AccountingBackends.create(
                    List.of("database", " Radius", "syslog", "database", ""), sqlite(), radius());
            try {
                assertEquals(List.of("database", "radius"), backends.stream().map(AccountingBackend::name).toList());
                assertTrue(log.text().contains("ignoring unknown accounting backend 'syslog'"), log.text());
            } finally {
                for (AccountingBackend backend : backends) {
                    backend.close();
                }
            }
        }
        assertEquals(List.of(), AccountingBackends.create(List.of(), null, null));
    }

    @Test
    void aBackendThatCannotBeSetUpStopsTheStart() throws IOException {
        RadiusSettings radius = radius();
        IllegalArgumentException noUri = assertThrows(IllegalArgumentException.class,
                () -> AccountingBackends.create(List.of("radius", "database"), DatabaseSettings.withDefaults(""), radius));
        assertTrue(noUri.getMessage().contains("[Database] dburi is empty"));
        Files.delete(directory.resolve("servers"));
        assertThrows(IOException.class, () -> AccountingBackends.create(List.of("database", "radius"), sqlite(), radius));
    }
}
