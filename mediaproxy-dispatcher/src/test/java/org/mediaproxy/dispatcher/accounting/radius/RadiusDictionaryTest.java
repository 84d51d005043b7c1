package org.mediaproxy.dispatcher.accounting.radius;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mediaproxy.dispatcher.accounting.RealServers;

class RadiusDictionaryTest {

    static Path clientDictionary() {
        try {
            return Path.of(RadiusDictionaryTest.class.getResource("/radius/client/dictionary").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void readsARadiusclientDictionaryWithItsIncludes() throws IOException {
        RadiusDictionary dictionary = new RadiusDictionary();
        dictionary.load(clientDictionary());

        assertEquals(new RadiusDictionary.Attribute("Acct-Status-Type", 40, "integer"),
                dictionary.attribute("acct-status-type"));
        assertEquals(new RadiusDictionary.Attribute("NAS-IP-Address", 4, "ipaddr"), dictionary.attribute("NAS-IP-Address"));
        assertEquals(new RadiusDictionary.Attribute("Acct-Delay-Time", 41, "integer"), dictionary.attribute("Acct-Delay-Time"));
        assertEquals(new RadiusDictionary.Attribute("Sip-From-Tag", 206, "integer"), dictionary.attribute("Sip-From-Tag"));
        assertEquals(Map.of("Start", 1, "Stop", 2, "Interim-Update", 3), dictionary.values("Acct-Status-Type"));
        assertEquals(Map.of("Invite", 1), dictionary.values("sip-method"));
    }

    @Test
    void leavesVendorAndExtendedAttributesOut() throws IOException {
        RadiusDictionary dictionary = new RadiusDictionary();
        dictionary.load(clientDictionary());
        assertNull(dictionary.attribute("Media-Codecs"), "radiusclient vendor attribute");
        assertNull(dictionary.attribute("Media-Info"), "attribute inside BEGIN-VENDOR");
        assertNull(dictionary.attribute("Extended-Thing"));
    }

    @Test
    void theShippedDictionaryDefinesMediaProxysAttributes() throws IOException {
        RadiusDictionary dictionary = new RadiusDictionary();
        dictionary.load(clientDictionary());
        dictionary.load(RealServers.repository().resolve("radius/dictionary"));

        assertEquals(new RadiusDictionary.Attribute("Media-Codecs", 233, "string"), dictionary.attribute("Media-Codecs"));
        assertEquals(new RadiusDictionary.Attribute("Media-Info", 234, "string"), dictionary.attribute("Media-Info"));
        assertEquals(new RadiusDictionary.Attribute("Sip-User-Agents", 235, "string"), dictionary.attribute("Sip-User-Agents"));
        assertEquals(new RadiusDictionary.Attribute("Sip-Applications", 236, "string"), dictionary.attribute("Sip-Applications"));
        assertEquals(3, dictionary.values("Acct-Status-Type").get("Update"));
    }

    @Test
    void readsFreeRadiussOwnDictionaries() throws IOException {
        RealServers.ensure("freeradius");
        RadiusDictionary dictionary = new RadiusDictionary();
        dictionary.load(Path.of("/usr/share/freeradius/dictionary"));
        assertEquals(new RadiusDictionary.Attribute("Acct-Status-Type", 40, "integer"), dictionary.attribute("Acct-Status-Type"));
        assertEquals(3, dictionary.values("Acct-Status-Type").get("Interim-Update"));
        assertEquals(1, dictionary.attribute("User-Name").number());
        assertNull(dictionary.attribute("DHCP-Site-specific-9"), "DHCP lives in a vendor block");
    }

    @Test
    void namesTheMissingFileAndTheBadLine(@TempDir Path directory) throws IOException {
        Path main = directory.resolve("dictionary");
        Files.writeString(main, "ATTRIBUTE User-Name 1 string\n$INCLUDE missing.dict\n");
        IOException missing = assertThrows(IOException.class, () -> new RadiusDictionary().load(main));
        assertTrue(missing.getMessage().contains(directory.resolve("missing.dict") + " does not exist (included from "
                + main + ")"), missing.getMessage());

        Files.writeString(main, "# fine\nATTRIBUTE User-Name\n");
        IOException shortLine = assertThrows(IOException.class, () -> new RadiusDictionary().load(main));
        assertTrue(shortLine.getMessage().contains(main + ":2: ATTRIBUTE needs 3 fields"), shortLine.getMessage());
    }
}
