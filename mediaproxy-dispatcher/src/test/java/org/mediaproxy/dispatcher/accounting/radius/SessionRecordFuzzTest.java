package org.mediaproxy.dispatcher.accounting.radius;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mediaproxy.dispatcher.accounting.RejectedRecordException;
import org.mediaproxy.dispatcher.accounting.SessionRecord;

/**
 * A session record of any JSON, as read back from the spool: it is refused with
 * {@link IllegalArgumentException} or kept byte for byte, and the RADIUS request built from it
 * either is built or refused with {@link RejectedRecordException}, which moves the record aside.
 * Any other exception would count as a temporary failure and hold up every record behind it.
 */
class SessionRecordFuzzTest {

    private static final RadiusBackend BACKEND = backend();

    @FuzzTest(maxDuration = "7s")
    @DictionaryEntries({"\"call_id\": ", "\"from_tag\": ", "\"to_tag\": ", "\"start_time\": ", "\"duration\": ",
        "\"streams\": [", "\"caller_bytes\": ", "\"callee_bytes\": ", "\"post_dial_delay\": ", "\"caller_local\": ",
        "\"media_type\": ", "\"caller_codec\": ", "\"username\": ", "\"timed_out\": ", "\"all_streams_ice\": ",
        "NaN", "Infinity", "1e300", "-1", "null", "true"})
    void spooledRecord(byte[] input) {
        String json = new String(input, StandardCharsets.UTF_8);
        SessionRecord record;
        try {
            record = SessionRecord.parse(json);
        } catch (IllegalArgumentException refused) {
            assertNotNull(refused.getMessage());
            return;
        }
        assertEquals(json, record.json());
        try {
            assertNotNull(BACKEND.request(record));
        } catch (RejectedRecordException refused) {
            assertNotNull(refused.getMessage());
        }
    }

    private static RadiusBackend backend() {
        try {
            Path directory = Files.createTempDirectory("radius-record-fuzz");
            Files.writeString(directory.resolve("dictionary"), "ATTRIBUTE User-Name 1 string\n"
                    + "ATTRIBUTE NAS-IP-Address 4 ipaddr\nATTRIBUTE Acct-Status-Type 40 integer\n"
                    + "VALUE Acct-Status-Type Interim-Update 3\n");
            Files.writeString(directory.resolve("servers"), "127.0.0.1 secret\n");
            Path conf = directory.resolve("client.conf");
            Files.writeString(conf, "acctserver 127.0.0.1\nservers servers\ndictionary dictionary\n"
                    + "radius_timeout 1\nradius_retries 1\n");
            return RadiusBackend.create(new RadiusSettings(conf, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
