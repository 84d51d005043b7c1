package org.mediaproxy.common.config;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A broken {@code config.ini} stops a daemon with one clear line: whatever the text,
 * {@link MediaProxyConfig#parse} returns a configuration or throws {@link ConfigException} whose
 * message is a single printable line. Any other exception would reach the operator as a stack
 * trace. Host names resolve through the test's hosts file (surefire sets
 * {@code jdk.net.hosts.file}), so fuzzing sends no DNS queries.
 */
class MediaProxyConfigFuzzTest {

    private static final Path FILE = Path.of("/etc/mediaproxy/config.ini");

    @FuzzTest(maxDuration = "7s")
    @DictionaryEntries({"[Relay]", "[Dispatcher]", "[OpenSIPS]", "[Database]", "[Radius]", "[TLS]", "[DEFAULT]",
        "[ThorNetwork]", "dispatchers", "port_range", "relay_ip", "advertised_ip", "passport", "log_level",
        "stream_timeout", "on_hold_timeout", "routable_private_ranges", "listen", "listen_management",
        "socket_path", "dburi", "certs_path", "verify_interval", "accounting", "%(", ")s", "%%", " ; ",
        "localhost", "any", "none", "yes", "CN:", "O:", "mysql://u:p@localhost/db", "40000:60000",
        "127.0.0.1", "10.0.0.0/8", ":25060", "-"})
    void parse(byte[] input) {
        try {
            assertNotNull(MediaProxyConfig.parse(new String(input, StandardCharsets.UTF_8), FILE));
        } catch (ConfigException e) {
            String message = e.getMessage();
            assertNotNull(message);
            assertTrue(isOneLine(message), () -> "not one printable line: " + message);
        }
    }

    /** No control characters and none of the characters Unicode treats as line breaks. */
    static boolean isOneLine(String message) {
        return message.chars().noneMatch(c -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029');
    }
}
