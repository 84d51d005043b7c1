package org.mediaproxy.dispatcher.accounting.radius;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RadiusClientConfigTest {

    @TempDir
    Path directory;

    private Path write(String name, String text) throws IOException {
        Path file = directory.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    @Test
    void readsTheRadiusclientSettingsTheDispatcherUses() throws IOException {
        write("servers", "# host secret\n127.0.0.1   s3cr3t with spaces\nother.example.com other\n");
        Path conf = write("client.conf", """
                # radiusclient-ng
                auth_order\tradius
                authserver\t127.0.0.1
                acctserver\t127.0.0.1:1814
                servers\tservers
                dictionary\t/usr/share/radiusclient/dictionary
                default_realm
                radius_timeout\t3
                radius_retries\t2
                bindaddr\t*
                """);
        RadiusClientConfig config = RadiusClientConfig.read(conf);
        assertEquals(new RadiusClientConfig("127.0.0.1", 1814, "s3cr3t with spaces",
                Path.of("/usr/share/radiusclient/dictionary"), 3, 2, null), config);
        assertFalse(config.toString().contains("s3cr3t"));
    }

    @Test
    void defaultsToPort1813AndResolvesFilesNextToTheConfiguration() throws IOException {
        write("etc/servers", "radius.example.com secret\n");
        Path conf = write("etc/client.conf", """
                acctserver radius.example.com
                servers servers
                dictionary dictionary
                radius_timeout 5
                radius_retries 1
                bindaddr 127.0.0.1
                """);
        RadiusClientConfig config = RadiusClientConfig.read(conf);
        assertEquals(1813, config.port());
        assertEquals(directory.resolve("etc/dictionary"), config.dictionary());
        assertEquals("127.0.0.1", config.bindAddress());
    }

    @Test
    void saysWhatIsMissing() throws IOException {
        write("servers", "elsewhere secret\n");
        Path conf = write("client.conf", "acctserver 127.0.0.1\nservers servers\ndictionary d\nradius_retries 1\n");
        assertTrue(assertThrows(IOException.class, () -> RadiusClientConfig.read(conf)).getMessage()
                .contains("no secret for RADIUS server 127.0.0.1"));
        write("servers", "127.0.0.1 secret\n");
        assertTrue(assertThrows(IOException.class, () -> RadiusClientConfig.read(conf)).getMessage()
                .contains("has no radius_timeout"));
        write("client.conf", "acctserver 127.0.0.1:x\n");
        assertTrue(assertThrows(IOException.class, () -> RadiusClientConfig.read(conf)).getMessage()
                .contains("acctserver port 'x' is not a number"));
        assertTrue(assertThrows(IOException.class, () -> RadiusClientConfig.read(directory.resolve("nope.conf")))
                .getMessage().contains("cannot read"));
    }
}
