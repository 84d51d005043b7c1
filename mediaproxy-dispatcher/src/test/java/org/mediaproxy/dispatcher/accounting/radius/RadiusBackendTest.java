package org.mediaproxy.dispatcher.accounting.radius;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mediaproxy.dispatcher.accounting.Fixtures;
import org.mediaproxy.dispatcher.accounting.LogCapture;
import org.mediaproxy.dispatcher.accounting.RejectedRecordException;
import org.mediaproxy.dispatcher.accounting.SessionRecord;
import org.tinyradius.attribute.IntegerAttribute;
import org.tinyradius.packet.AccountingRequest;

/** How the packet is put together; sending it is FreeRadiusAccountingTest's business. */
class RadiusBackendTest {

    @TempDir
    Path directory;

    private RadiusSettings settings(String mainDictionary, Path additional) throws IOException {
        Files.writeString(directory.resolve("dictionary"), mainDictionary);
        Files.writeString(directory.resolve("servers"), "127.0.0.1 secret\n");
        Path conf = directory.resolve("client.conf");
        Files.writeString(conf, "acctserver 127.0.0.1\nservers servers\ndictionary dictionary\n"
                + "radius_timeout 1\nradius_retries 1\n");
        return new RadiusSettings(conf, additional);
    }

    @Test
    void numbersAttributesAsTheDictionariesSay() throws Exception {
        // Older OpenSIPS dictionaries gave the tags other numbers; the RADIUS server uses the same file.
        RadiusSettings settings = settings("ATTRIBUTE Sip-From-Tag 105 string\nATTRIBUTE Sip-To-Tag 106 string\n"
                + "ATTRIBUTE Media-Codecs 250 string\n", null);
        try (RadiusBackend backend = RadiusBackend.create(settings)) {
            AccountingRequest request = backend.request(SessionRecord.of(Fixtures.record(0)));
            assertEquals("ZMIW9mrP2L", request.getAttribute(105).getAttributeValue());
            assertEquals("oZoayz6kxe", request.getAttribute(106).getAttributeValue());
            assertEquals("G711u", request.getAttribute(250).getAttributeValue());
            assertNull(request.getAttribute(233));
        }
    }

    @Test
    void usesTheStandardNumbersWhereTheDictionariesAreSilent() throws Exception {
        try (LogCapture log = LogCapture.of(RadiusBackend.class);
             RadiusBackend backend = RadiusBackend.create(settings("", directory.resolve("no-such-dictionary")))) {
            assertTrue(log.text().contains("cannot read the additional RADIUS dictionary"), log.text());
            AccountingRequest request = backend.request(SessionRecord.of(Fixtures.record(1)));
            assertEquals(3, ((IntegerAttribute) request.getAttribute(40)).getAttributeValueInt());
            assertEquals("mediaproxy@default", request.getAttribute(1).getAttributeValue());
            assertEquals("198.18.0.1", request.getAttribute(4).getAttributeValue());
            assertEquals("3EZAzXAfoP", request.getAttribute(206).getAttributeValue());
            assertEquals("G711u", request.getAttribute(233).getAttributeValue());
            assertEquals("timeout", request.getAttribute(234).getAttributeValue());
            assertEquals("probe-caller/1.0+probe-callee/1.0", request.getAttribute(235).getAttributeValue());
            assertEquals("audio", request.getAttribute(236).getAttributeValue());
            assertEquals(0, ((IntegerAttribute) request.getAttribute(41)).getAttributeValueInt());
            assertEquals(14, request.getAttributes().size());
        }
    }

    @Test
    void aCallIdTooLongForRadiusIsRefusedForGood() throws Exception {
        try (RadiusBackend backend = RadiusBackend.create(settings("", null))) {
            SessionRecord record = SessionRecord.of(Fixtures.record(0, "x".repeat(300)));
            RejectedRecordException refused = assertThrows(RejectedRecordException.class, () -> backend.request(record));
            assertTrue(refused.getMessage().contains("Acct-Session-Id is longer than 253 bytes"), refused.getMessage());
        }
    }

    @Test
    void anUnreadableConfigurationStopsTheStart() {
        IOException error = assertThrows(IOException.class,
                () -> RadiusBackend.create(new RadiusSettings(directory.resolve("client.conf"), null)));
        assertTrue(error.getMessage().contains("cannot read"), error.getMessage());
    }
}
