package org.mediaproxy.dispatcher.accounting.radius;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A radiusclient {@code client.conf} of any content is read or refused with {@link IOException}
 * (the documented failure); nothing else comes out.
 */
class RadiusClientConfigFuzzTest {

    private static final RadiusFiles FILES = new RadiusFiles();

    @FuzzTest(maxDuration = "7s")
    @DictionaryEntries({"acctserver", "servers", "dictionary", "radius_timeout", "radius_retries", "bindaddr",
        "127.0.0.1", "localhost:1813", ":", "*", "#"})
    void read(byte[] input) {
        if (RadiusFiles.namesSpecialFiles(new String(input, StandardCharsets.UTF_8))) {
            return;
        }
        try {
            assertNotNull(RadiusClientConfig.read(FILES.write("client.conf", input)).toString());
        } catch (IOException refused) {
            assertNotNull(refused.getMessage());
        }
    }
}
