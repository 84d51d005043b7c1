package org.mediaproxy.common.config;

import org.mediaproxy.common.daemon.LogLevel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MediaProxyConfigTest {

    /** Every option per section, as configuration.md lists them, plus our new ones. */
    private static final Map<String, Set<String>> EVERY_OPTION = Map.of(
            "relay", Set.of("dispatchers", "passport", "relay_ip", "advertised_ip", "auto_detect_interfaces",
                    "port_range", "log_level", "stream_timeout", "on_hold_timeout", "dns_check_interval",
                    "keepalive_interval", "reconnect_delay", "traffic_sampling_period", "userspace_transmit_every",
                    "routable_private_ranges", "forwarding"),
            "dispatcher", Set.of("socket_path", "listen", "listen_management", "management_use_tls", "passport",
                    "management_passport", "log_level", "relay_timeout", "relay_recover_interval",
                    "cleanup_dead_relays_after", "cleanup_expired_sessions_after", "accounting", "opensips_timeout",
                    "listen_metrics", "spool_dir"),
            "opensips", Set.of("socket_path", "location_table", "dialog_id_format"),
            "tls", Set.of("certs_path", "verify_interval"),
            "database", Set.of("dburi", "sessions_table", "callid_column", "fromtag_column", "totag_column",
                    "info_column"),
            "radius", Set.of("config_file", "additional_dictionary"));

    private static final Path SAMPLE = Path.of("..", "config.ini.sample");

    private static String resource(String name) throws IOException {
        try (InputStream in = MediaProxyConfigTest.class.getResourceAsStream("/config/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static InetAddress ip(String text) {
        return Ipv4.parse(text);
    }

    private static Map<String, Set<String>> optionsPerSection(IniFile ini) {
        Map<String, Set<String>> options = new TreeMap<>();
        for (IniFile.Section section : ini.sections()) {
            String name = IniFile.normalize(section.name());
            if (EVERY_OPTION.containsKey(name)) {
                options.put(name, new TreeSet<>(section.entries().keySet()));
            }
        }
        return options;
    }

    private static Map<String, Set<String>> sorted(Map<String, Set<String>> options) {
        Map<String, Set<String>> sorted = new TreeMap<>();
        options.forEach((section, names) -> sorted.put(section, new TreeSet<>(names)));
        return sorted;
    }

    @Test
    void everyOptionIsReadWithItsType(@TempDir Path dir) throws Exception {
        String text = resource("every-option.ini");
        assertEquals(sorted(EVERY_OPTION), optionsPerSection(IniFile.parse(text, "every-option.ini")),
                "the test file sets every option");
        Files.writeString(dir.resolve("config.ini"), text);
        Files.createDirectory(dir.resolve("credentials"));

        MediaProxyConfig config;
        try (CapturedLogs logs = new CapturedLogs()) {
            config = MediaProxyConfig.load(List.of(dir));
            assertEquals(List.of(), logs.at(Level.WARN));
            assertTrue(logs.at(Level.INFO).stream().anyMatch(line -> line.contains("[ThorNetwork] ignored")));
        }
        assertEquals(Optional.of(dir.resolve("config.ini")), config.file());

        RelayConfig relay = config.relay();
        assertEquals(List.of(new HostPort("198.18.0.1", 25060), new HostPort("dispatcher.example.test", 25070),
                new HostPort("198.18.0.2", 26000)), relay.dispatchers());
        assertEquals("O:AG Projects, CN:*dispatcher", relay.passport().toString());
        assertEquals(Optional.of(ip("198.18.1.1")), relay.relayIp());
        assertEquals(Optional.of(ip("198.19.0.1")), relay.advertisedIp());
        assertTrue(relay.autoDetectInterfaces());
        assertEquals(new PortRange(50000, 50100), relay.portRange());
        assertEquals(LogLevel.DEBUG, relay.logLevel());
        assertEquals(Duration.ofSeconds(30), relay.streamTimeout());
        assertEquals(Duration.ofSeconds(3600), relay.onHoldTimeout());
        assertEquals(Duration.ofSeconds(120), relay.dnsCheckInterval());
        assertEquals(Duration.ofSeconds(5), relay.keepaliveInterval());
        assertEquals(Duration.ofSeconds(3), relay.reconnectDelay());
        assertEquals(Duration.ZERO, relay.trafficSamplingPeriod());
        assertEquals(2, relay.userspaceTransmitEvery());
        assertEquals(List.of(new Cidr(ip("198.18.0.0"), 16), new Cidr(ip("198.19.0.7"), 32),
                new Cidr(ip("127.0.0.1"), 32)), relay.routablePrivateRanges());
        assertEquals(ForwardingMode.USERSPACE, relay.forwarding());

        DispatcherConfig dispatcher = config.dispatcher();
        assertEquals("/run/mediaproxy-test/dispatcher.sock", dispatcher.socketPath());
        assertEquals(new HostPort("127.0.0.1", 26060), dispatcher.listen());
        assertEquals(new HostPort("0.0.0.0", 26061), dispatcher.listenManagement());
        assertFalse(dispatcher.managementUseTls());
        assertEquals("O:AG Projects, CN:relay*", dispatcher.passport().toString());
        assertTrue(dispatcher.managementPassport().matches(
                new javax.security.auth.x500.X500Principal("CN=admin\\, ops, O=AG Projects")));
        assertEquals(LogLevel.WARNING, dispatcher.logLevel());
        assertEquals(Duration.ofSeconds(2), dispatcher.relayTimeout());
        assertEquals(Duration.ofSeconds(30), dispatcher.relayRecoverInterval());
        assertEquals(Duration.ofSeconds(600), dispatcher.cleanupDeadRelaysAfter());
        assertEquals(Duration.ofSeconds(1200), dispatcher.cleanupExpiredSessionsAfter());
        assertEquals(List.of("radius", "database"), List.copyOf(dispatcher.accounting()));
        assertEquals(Duration.ofMillis(250), dispatcher.opensipsTimeout());
        assertEquals(Optional.of(new HostPort("localhost", 9125)), dispatcher.listenMetrics());
        assertEquals(Path.of("/var/tmp/mediaproxy-spool"), dispatcher.spoolDir());

        assertEquals(new OpenSipsConfig(Path.of("/run/opensips/mi.sock"), "subscriber_location",
                DialogIdFormat.DECIMAL), config.opensips());
        assertEquals(new DatabaseConfig("mysql://mediaproxy:p%ss@127.0.0.1/mediaproxy", "accounting.media_sessions",
                "cid", "ftag", "ttag", "details"), config.database());
        assertEquals(new RadiusConfig(Path.of("/etc/radcli/radiusclient.conf"), dir.resolve("dictionary.mediaproxy")),
                config.radius());
        assertEquals(new TlsConfig(dir.resolve("credentials"), Duration.ofSeconds(60)), config.tls());
    }

    @Test
    void defaultsAreTheSpecifiedOnes() {
        MediaProxyConfig config = MediaProxyConfig.defaults();
        assertEquals(Optional.empty(), config.file());

        RelayConfig relay = config.relay();
        assertEquals(List.of(), relay.dispatchers());
        assertTrue(relay.passport().isNone());
        assertEquals(Optional.empty(), relay.relayIp());
        assertEquals(Optional.empty(), relay.advertisedIp());
        assertFalse(relay.autoDetectInterfaces());
        assertEquals(new PortRange(40000, 60000), relay.portRange());
        assertEquals(10000, relay.portRange().pairCount());
        assertEquals(LogLevel.INFO, relay.logLevel());
        assertEquals(Duration.ofSeconds(90), relay.streamTimeout());
        assertEquals(Duration.ofSeconds(7200), relay.onHoldTimeout());
        assertEquals(Duration.ofSeconds(60), relay.dnsCheckInterval());
        assertEquals(Duration.ofSeconds(10), relay.keepaliveInterval());
        assertEquals(Duration.ofSeconds(10), relay.reconnectDelay());
        assertEquals(Duration.ofSeconds(15), relay.trafficSamplingPeriod());
        assertEquals(1, relay.userspaceTransmitEvery());
        assertEquals(List.of(), relay.routablePrivateRanges());
        assertEquals(ForwardingMode.AUTO, relay.forwarding());

        DispatcherConfig dispatcher = config.dispatcher();
        assertEquals("dispatcher.sock", dispatcher.socketPath());
        assertEquals(new HostPort("0.0.0.0", 25060), dispatcher.listen());
        assertEquals(new HostPort("0.0.0.0", 25061), dispatcher.listenManagement());
        assertTrue(dispatcher.managementUseTls());
        assertTrue(dispatcher.passport().isNone());
        assertTrue(dispatcher.managementPassport().isNone());
        assertEquals(LogLevel.INFO, dispatcher.logLevel());
        assertEquals(Duration.ofSeconds(5), dispatcher.relayTimeout());
        assertEquals(Duration.ofSeconds(60), dispatcher.relayRecoverInterval());
        assertEquals(Duration.ofSeconds(43200), dispatcher.cleanupDeadRelaysAfter());
        assertEquals(Duration.ofSeconds(86400), dispatcher.cleanupExpiredSessionsAfter());
        assertEquals(Set.of(), dispatcher.accounting());
        assertEquals(Duration.ofMillis(500), dispatcher.opensipsTimeout());
        assertEquals(Optional.empty(), dispatcher.listenMetrics());
        assertEquals(Path.of("/var/spool/mediaproxy"), dispatcher.spoolDir());

        assertEquals(Path.of("/run/opensips/socket"), config.opensips().socketPath());
        assertEquals("location", config.opensips().locationTable());
        assertEquals(DialogIdFormat.HEX, config.opensips().dialogIdFormat());

        DatabaseConfig database = config.database();
        assertEquals("", database.dburi());
        assertFalse(database.hasDburi());
        assertEquals("media_sessions", database.sessionsTable());
        assertEquals("call_id", database.callidColumn());
        assertEquals("from_tag", database.fromtagColumn());
        assertEquals("to_tag", database.totagColumn());
        assertEquals("info", database.infoColumn());

        assertEquals(Path.of("/etc/opensips/radius/client.conf"), config.radius().configFile());
        assertEquals(Path.of("/etc/mediaproxy/radius/dictionary"), config.radius().additionalDictionary());
        assertEquals(Path.of("/etc/mediaproxy/tls"), config.tls().certsPath());
        assertEquals(Duration.ofSeconds(300), config.tls().verifyInterval());
    }

    @Test
    void firstDirectoryWithAConfigFileWins(@TempDir Path root) throws Exception {
        Path local = Files.createDirectory(root.resolve("local"));
        Path system = Files.createDirectory(root.resolve("system"));
        Files.writeString(system.resolve("config.ini"), "[Relay]\nport_range = 50000:50010\n");

        MediaProxyConfig fromSystem = MediaProxyConfig.load(List.of(local, system));
        assertEquals(Optional.of(system.resolve("config.ini")), fromSystem.file());
        assertEquals(new PortRange(50000, 50010), fromSystem.relay().portRange());

        Files.writeString(local.resolve("config.ini"), "[Relay]\nstream_timeout = 12\n");
        MediaProxyConfig fromLocal = MediaProxyConfig.load(List.of(local, system));
        assertEquals(Optional.of(local.resolve("config.ini")), fromLocal.file());
        assertEquals(Duration.ofSeconds(12), fromLocal.relay().streamTimeout());
        assertEquals(new PortRange(40000, 60000), fromLocal.relay().portRange(), "files are not merged");
    }

    @Test
    void noConfigFileMeansDefaults(@TempDir Path root) throws Exception {
        MediaProxyConfig config = MediaProxyConfig.load(List.of(root.resolve("missing"), root));
        assertEquals(Optional.empty(), config.file());
        MediaProxyConfig defaults = MediaProxyConfig.defaults();
        assertEquals(defaults.relay(), config.relay());
        assertEquals(defaults.dispatcher(), config.dispatcher());
        assertEquals(root.resolve("missing").resolve("tls"), config.tls().certsPath());
    }

    @Test
    void relativeCredentialPathsAreLookedUpInEachDirectory(@TempDir Path root) throws Exception {
        Path local = Files.createDirectory(root.resolve("local"));
        Path system = Files.createDirectory(root.resolve("system"));
        Files.writeString(local.resolve("config.ini"), "[TLS]\ncerts_path = tls\n");
        Files.createDirectories(system.resolve("tls"));
        Files.createDirectories(system.resolve("radius"));
        Files.writeString(system.resolve("radius/dictionary"), "");

        MediaProxyConfig config = MediaProxyConfig.load(List.of(local, system));
        assertEquals(system.resolve("tls"), config.tls().certsPath(), "found only in the second directory");
        assertEquals(system.resolve("radius/dictionary"), config.radius().additionalDictionary());

        Files.createDirectories(local.resolve("tls"));
        assertEquals(local.resolve("tls"), MediaProxyConfig.load(List.of(local, system)).tls().certsPath());

        Files.writeString(local.resolve("config.ini"), "[TLS]\ncerts_path = /srv/tls\n");
        assertEquals(Path.of("/srv/tls"), MediaProxyConfig.load(List.of(local, system)).tls().certsPath());
    }

    @Test
    void unknownOptionsAndSectionsOnlyWarn() throws ConfigException {
        MediaProxyConfig config;
        try (CapturedLogs logs = new CapturedLogs()) {
            config = MediaProxyConfig.parse("""
                    [DEFAULT]
                    log_level = debug
                    colour = blue
                    [Relay]
                    port_rang = 40000:40002
                    stats_collect_interval = 15
                    [Relays]
                    port_range = nonsense
                    [ThorNetwork]
                    domain = sipthor.example.test
                    """, Path.of("/etc/mediaproxy/config.ini"));
            assertEquals(List.of(
                    "/etc/mediaproxy/config.ini: line 5: [Relay] port_rang is not a known option; ignored",
                    "/etc/mediaproxy/config.ini: line 6: [Relay] stats_collect_interval is not a known option; ignored",
                    "/etc/mediaproxy/config.ini: line 3: [DEFAULT] colour is not an option of any section; ignored",
                    "/etc/mediaproxy/config.ini: line 7: [Relays] is not a known section; ignored"),
                    logs.at(Level.WARN));
            assertEquals(List.of("/etc/mediaproxy/config.ini: line 9: [ThorNetwork] ignored: SIP Thor is not supported"),
                    logs.at(Level.INFO));
        }
        assertEquals(new PortRange(40000, 60000), config.relay().portRange());
        assertEquals(LogLevel.DEBUG, config.relay().logLevel(), "[DEFAULT] applies to every section");
        assertEquals(LogLevel.DEBUG, config.dispatcher().logLevel());
    }

    @Test
    void commentsWhitespaceAndCaseAreForgiven() throws ConfigException {
        MediaProxyConfig config = MediaProxyConfig.parse("""
                  ; indented comment
                # hash comment

                [RELAY]
                Port-Range: 40000:40100 ; inline comment
                LOG_LEVEL   =   Debug\t
                dispatchers = 198.18.0.1
                    198.18.0.2 ; second
                \t# a comment between continuation lines
                    198.18.0.3
                Auto_Detect_Interfaces = YES
                forwarding = Kernel
                [dispatcher]
                ACCOUNTING = DataBase
                management_use_tls = Off
                """, Path.of("/etc/mediaproxy/config.ini"));
        assertEquals(new PortRange(40000, 40100), config.relay().portRange());
        assertEquals(LogLevel.DEBUG, config.relay().logLevel());
        assertEquals(List.of(new HostPort("198.18.0.1", 25060), new HostPort("198.18.0.2", 25060),
                new HostPort("198.18.0.3", 25060)), config.relay().dispatchers());
        assertTrue(config.relay().autoDetectInterfaces());
        assertEquals(ForwardingMode.KERNEL, config.relay().forwarding());
        assertEquals(Set.of("database"), config.dispatcher().accounting());
        assertFalse(config.dispatcher().managementUseTls());
    }

    @Test
    void emptyOrNoneMeanNotSet() throws ConfigException {
        MediaProxyConfig config = MediaProxyConfig.parse("""
                [Relay]
                relay_ip =
                dispatchers =
                routable_private_ranges = None
                passport = none
                [Dispatcher]
                listen_metrics = NONE
                accounting = none
                """, Path.of("/etc/mediaproxy/config.ini"));
        assertEquals(MediaProxyConfig.defaults().relay(), config.relay());
        assertEquals(MediaProxyConfig.defaults().dispatcher(), config.dispatcher());
    }

    @Test
    void metricsAddressTakesItsDefaultPort() throws ConfigException {
        assertEquals(Optional.of(new HostPort("0.0.0.0", 9125)), MediaProxyConfig.parse(
                "[Dispatcher]\nlisten_metrics = any\n", Path.of("c.ini")).dispatcher().listenMetrics());
        assertEquals(Optional.of(new HostPort("0.0.0.0", 9125)), MediaProxyConfig.parse(
                "[Dispatcher]\nlisten_metrics = default\n", Path.of("c.ini")).dispatcher().listenMetrics());
        assertEquals(new HostPort("0.0.0.0", 25061), MediaProxyConfig.parse(
                "[Dispatcher]\nlisten_management = default\n", Path.of("c.ini")).dispatcher().listenManagement());
    }

    @Test
    void unreadableFileIsAnError(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("config.ini"), new byte[] {'[', 'R', ']', '\n', 'x', '=', (byte) 0xff, '\n'});
        assertEquals(dir.resolve("config.ini") + ": not UTF-8 text",
                assertThrows(ConfigException.class, () -> MediaProxyConfig.load(List.of(dir))).getMessage());
        Files.delete(dir.resolve("config.ini"));
        Files.createDirectory(dir.resolve("config.ini"));
        assertTrue(assertThrows(ConfigException.class, () -> MediaProxyConfig.load(List.of(dir)))
                .getMessage().startsWith(dir.resolve("config.ini") + ": cannot read: "));
    }

    @Test
    void shippedSampleEqualsTheDefaults() throws Exception {
        String sample = Files.readString(SAMPLE);
        assertSameAsDefaults(sample);
    }

    /**
     * The sample documents every option as a commented-out "name = default" line: switching them
     * all on must change nothing, and must cover every option.
     */
    @Test
    void shippedSampleDocumentsEveryOptionWithItsDefault() throws Exception {
        Matcher setting = Pattern.compile("(?m)^;([a-z_]+ =.*)$").matcher(Files.readString(SAMPLE));
        String enabled = setting.replaceAll("$1");
        assertEquals(sorted(EVERY_OPTION), optionsPerSection(IniFile.parse(enabled, "sample")));
        assertSameAsDefaults(enabled);
    }

    private static void assertSameAsDefaults(String text) throws ConfigException {
        MediaProxyConfig defaults = MediaProxyConfig.defaults();
        try (CapturedLogs logs = new CapturedLogs()) {
            MediaProxyConfig sample = MediaProxyConfig.parse(text, Path.of("/etc/mediaproxy/config.ini"));
            assertEquals(List.of(), logs.at(Level.WARN));
            assertEquals(defaults.relay(), sample.relay());
            assertEquals(defaults.dispatcher(), sample.dispatcher());
            assertEquals(defaults.opensips(), sample.opensips());
            assertEquals(defaults.database(), sample.database());
            assertEquals(defaults.radius(), sample.radius());
            assertEquals(defaults.tls(), sample.tls());
        }
    }
}
