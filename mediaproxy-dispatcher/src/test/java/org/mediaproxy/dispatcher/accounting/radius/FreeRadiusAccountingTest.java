package org.mediaproxy.dispatcher.accounting.radius;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mediaproxy.dispatcher.accounting.Accounting;
import org.mediaproxy.dispatcher.accounting.Await;
import org.mediaproxy.dispatcher.accounting.DeliveryPolicy;
import org.mediaproxy.dispatcher.accounting.Fixtures;
import org.mediaproxy.dispatcher.accounting.RealServers;

/**
 * RADIUS accounting into a real FreeRADIUS that loads our {@code radius/dictionary} and writes
 * every Accounting-Request it accepts to a detail file.
 */
class FreeRadiusAccountingTest {

    private static final Path DETAIL = RealServers.STATE.resolve("freeradius/detail");
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final DeliveryPolicy FAST =
            new DeliveryPolicy(Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(5));

    @TempDir
    Path directory;

    private RadiusSettings settings;

    @BeforeEach
    void startServer() throws IOException {
        RealServers.ensure("freeradius");
        Path main = directory.resolve("etc/dictionary");
        Files.createDirectories(main.getParent());
        Files.copy(RadiusDictionaryTest.clientDictionary(), main);
        Files.copy(RadiusDictionaryTest.clientDictionary().resolveSibling("dictionary.sip"),
                main.resolveSibling("dictionary.sip"));
        Files.writeString(directory.resolve("etc/servers"), "127.0.0.1\tmediaproxy-test\n");
        Path conf = directory.resolve("etc/client.conf");
        Files.writeString(conf, """
                acctserver 127.0.0.1:1813
                servers servers
                dictionary dictionary
                radius_timeout 1
                radius_retries 2
                bindaddr 127.0.0.1
                """);
        settings = new RadiusSettings(conf, RealServers.repository().resolve("radius/dictionary"));
    }

    @Test
    void theServerRecordsEveryAttributeUnderItsName() throws Exception {
        String callId = "radius-" + UUID.randomUUID() + "@198.18.1.2";
        try (Accounting accounting = Accounting.start(List.of(RadiusBackend.create(settings)), directory.resolve("spool"), FAST)) {
            accounting.submit(Fixtures.record(1, callId));
            Await.until("the detail entry", WAIT, () -> detail(callId) != null);
        }
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("Acct-Status-Type", "Update");
        expected.put("User-Name", "\"mediaproxy@default\"");
        expected.put("Acct-Session-Id", "\"" + callId + "\"");
        expected.put("Acct-Session-Time", "11");
        expected.put("Acct-Input-Octets", "7800");
        expected.put("Acct-Output-Octets", "7800");
        expected.put("Sip-From-Tag", "\"3EZAzXAfoP\"");
        expected.put("Sip-To-Tag", "\"8OII5cdGte\"");
        expected.put("NAS-IP-Address", "198.18.0.1");
        expected.put("Sip-User-Agents", "\"probe-caller/1.0+probe-callee/1.0\"");
        expected.put("Sip-Applications", "\"audio\"");
        expected.put("Media-Codecs", "\"G711u\"");
        expected.put("Media-Info", "\"timeout\"");
        expected.put("Acct-Delay-Time", "0");
        Map<String, String> received = detail(callId);
        received.remove("Timestamp"); // added by the server
        assertEquals(expected, received);
    }

    @Test
    void recordsWaitWhileTheServerIsDown() throws Exception {
        String callId = "radius-outage-" + UUID.randomUUID();
        try (Accounting accounting = Accounting.start(List.of(RadiusBackend.create(settings)), directory.resolve("spool"), FAST)) {
            RealServers.stop("freeradius");
            try {
                ObjectNode record = Fixtures.record(0, callId);
                accounting.submit(record);
                Await.until("the spooled record", WAIT, () -> accounting.spoolDepth() == 1);
            } finally {
                RealServers.start("freeradius");
            }
            Await.until("the replayed record", WAIT, () -> detail(callId) != null && accounting.spoolDepth() == 0);
        }
        assertEquals("\"oZoayz6kxe\"", detail(callId).get("Sip-To-Tag"));
    }

    /** The attributes of the detail-file entry for a call, or null if there is none. */
    private static Map<String, String> detail(String callId) {
        List<String> lines;
        try {
            lines = Files.readAllLines(DETAIL);
        } catch (IOException e) {
            return null;
        }
        Map<String, String> entry = new LinkedHashMap<>();
        Map<String, String> found = null;
        for (String line : lines) {
            if (line.isBlank()) {
                if (("\"" + callId + "\"").equals(entry.get("Acct-Session-Id"))) {
                    found = entry;
                }
                entry = new LinkedHashMap<>();
            } else if (line.startsWith("\t")) {
                int equals = line.indexOf(" = ");
                entry.put(line.substring(0, equals).strip(), line.substring(equals + 3));
            }
        }
        return found;
    }
}
