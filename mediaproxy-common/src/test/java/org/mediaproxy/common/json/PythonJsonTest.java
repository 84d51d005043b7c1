package org.mediaproxy.common.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class PythonJsonTest {

    @Test
    void floatsAreWrittenLikePythonRepr() {
        assertEquals("1764081600.523517", PythonJson.floatRepr(1764081600.523517));
        assertEquals("0.0", PythonJson.floatRepr(0.0));
        assertEquals("25600.0", PythonJson.floatRepr(25600.0));
        assertEquals("215466.66666666666", PythonJson.floatRepr(215466.66666666666));
        assertEquals("0.41", PythonJson.floatRepr(0.41));
        assertEquals("0.0001", PythonJson.floatRepr(0.0001));
        assertEquals("1e-05", PythonJson.floatRepr(0.00001));
        assertEquals("1e+16", PythonJson.floatRepr(1e16));
        assertEquals("1234567890123456.0", PythonJson.floatRepr(1234567890123456.0));
        assertEquals("-2.5", PythonJson.floatRepr(-2.5));
        assertEquals("1.5e+20", PythonJson.floatRepr(1.5e20));
    }

    @Test
    void objectsUsePythonSeparatorsAndKeepKeyOrder() {
        ObjectNode node = PythonJson.object();
        node.put("ip", "203.0.113.5");
        node.put("uptime", 3600);
        node.putObject("stream_count").put("audio", 1);
        node.putNull("username");
        node.put("bps_relayed", 25600.0);
        node.putArray("streams");
        node.put("ok", true);
        assertEquals("{\"ip\": \"203.0.113.5\", \"uptime\": 3600, \"stream_count\": {\"audio\": 1}, "
                + "\"username\": null, \"bps_relayed\": 25600.0, \"streams\": [], \"ok\": true}",
                PythonJson.write(node));
    }

    @Test
    void nonAsciiAndControlCharactersAreEscaped() {
        ObjectNode node = PythonJson.object();
        node.put("ua", "Zoë \"phone\"\n\u0001\uD83D\uDE00");
        assertEquals("{\"ua\": \"Zo\\u00eb \\\"phone\\\"\\n\\u0001\\ud83d\\ude00\"}", PythonJson.write(node));
    }

    @Test
    void parseThenWriteRoundTripsTheOriginalsRecord() {
        String record = "{\"call_id\": \"x1@h\", \"start_time\": 1764081600.5, \"duration\": 181, "
                + "\"username\": null, \"streams\": [{\"post_dial_delay\": 0.41, \"caller_bytes\": 120000}]}";
        assertEquals(record, PythonJson.normalise(record));
    }

    /** Found by fuzzing: empty text parsed as a "missing" node, which was written back as null. */
    @Test
    void textWithoutExactlyOneValueIsRefused() {
        for (String text : new String[] {"", "  \r\n", "{} x", "1 2", "[1]]"}) {
            assertThrows(IllegalArgumentException.class, () -> PythonJson.parse(text), text);
        }
    }

    /** Found by fuzzing: 1e999 parses as infinity, written as Python writes it, which was then refused. */
    @Test
    void nonFiniteNumbersRoundTripAsPythonWritesThem() {
        assertEquals("[Infinity, -Infinity, NaN]", PythonJson.normalise("[1e999, -1e999, NaN]"));
        assertEquals("[Infinity, -Infinity, NaN]", PythonJson.normalise("[Infinity, -Infinity, NaN]"));
    }
}
