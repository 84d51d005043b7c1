package org.mediaproxy.dispatcher.accounting.radius;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A RADIUS dictionary file of any content is read or refused with {@link IOException} (the
 * documented failure, which the dispatcher reports at start-up); nothing else comes out, and a
 * dictionary that was read answers look-ups.
 */
class RadiusDictionaryFuzzTest {

    private static final RadiusFiles FILES = new RadiusFiles();

    @FuzzTest(maxDuration = "7s")
    @DictionaryEntries({"ATTRIBUTE", "VALUE", "VENDOR", "BEGIN-VENDOR", "END-VENDOR", "BEGIN-TLV", "END-TLV",
        "$INCLUDE", "$INCLUDE-", "dictionary.extra", "dictionary", "string", "integer", "ipaddr", "0x", "241.1",
        "Acct-Status-Type", "#"})
    void read(byte[] input) {
        if (RadiusFiles.namesSpecialFiles(new String(input, StandardCharsets.UTF_8))) {
            return;
        }
        RadiusDictionary dictionary = new RadiusDictionary();
        try {
            dictionary.load(FILES.write("dictionary", input));
        } catch (IOException refused) {
            assertNotNull(refused.getMessage());
            return;
        }
        dictionary.attribute("Acct-Status-Type");
        dictionary.values("Acct-Status-Type");
    }
}
