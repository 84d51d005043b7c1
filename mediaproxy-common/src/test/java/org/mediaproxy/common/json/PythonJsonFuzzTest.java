package org.mediaproxy.common.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;

/**
 * Whatever text a peer sends, {@link PythonJson#parse} either refuses it with
 * {@link IllegalArgumentException} or yields a tree that {@link PythonJson#write} turns into text
 * that parses back to an equal tree and is written identically again.
 */
class PythonJsonFuzzTest {

    @FuzzTest(maxDuration = "7s")
    void parseWriteParse(byte[] input) {
        JsonNode first;
        try {
            first = PythonJson.parse(new String(input, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException refused) {
            return;
        }
        String written = PythonJson.write(first);
        JsonNode second = PythonJson.parse(written);
        assertEquals(first, second, () -> "round trip changed the tree of " + written);
        assertEquals(written, PythonJson.write(second));
    }
}
