package org.mediaproxy.testkit;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import com.fasterxml.jackson.databind.JsonNode;
import org.mediaproxy.common.json.PythonJson;
import org.mediaproxy.common.tls.Passport;
import org.mediaproxy.common.tls.Role;
import org.mediaproxy.common.tls.TlsCredentials;
import org.mediaproxy.management.ManagementClient;
import org.mediaproxy.management.ManagementException;

/**
 * A self-contained dispatcher + relay set-up on loopback: a configuration directory using the
 * sample certificates from {@code tls/}, a runtime directory, SQLite accounting, and free ports.
 * Used by the README demo and by the end-to-end tests, so both exercise the same thing.
 */
public final class DemoEnvironment {

    private final Path checkout;
    private final Path base;
    private final int relayPort;
    private final int managementPort;
    private final int metricsPort;
    private final int portRangeStart;
    private final int relayPorts;

    private DemoEnvironment(Path checkout, Path base, int relayPort, int managementPort, int metricsPort,
            int portRangeStart, int relayPorts) {
        this.checkout = checkout;
        this.base = base;
        this.relayPort = relayPort;
        this.managementPort = managementPort;
        this.metricsPort = metricsPort;
        this.portRangeStart = portRangeStart;
        this.relayPorts = relayPorts;
    }

    /**
     * Creates the directories and writes {@code config.ini} below {@code base}; {@code extra} maps a
     * section name (Relay, Dispatcher, OpenSIPS, Database, TLS) to option lines added to it; an
     * option given there replaces the demo's default of the same name (e.g. {@code relay_ip}).
     */
    public static DemoEnvironment create(Path checkout, Path base, Map<String, String> extra) throws IOException {
        return create(checkout, base, extra, 100);
    }

    /** As {@link #create(Path, Path, Map)}, with a relay port range of {@code relayPorts} ports (four per stream). */
    public static DemoEnvironment create(Path checkout, Path base, Map<String, String> extra, int relayPorts)
            throws IOException {
        Files.createDirectories(base.resolve("etc"));
        Files.createDirectories(base.resolve("run"));
        DemoEnvironment environment = new DemoEnvironment(checkout.toAbsolutePath().normalize(), base.toAbsolutePath(),
                freeTcpPort(), freeTcpPort(), freeTcpPort(), freeUdpPortRange(relayPorts), relayPorts);
        Files.writeString(environment.configDir().resolve("config.ini"), lastOptionWins(environment.config(extra)));
        return environment;
    }

    private String config(Map<String, String> extra) {
        return """
                ; Written by the MediaProxy demo: everything on loopback, sample certificates (NOT FOR PRODUCTION).
                [Relay]
                dispatchers = 127.0.0.1:%d
                relay_ip = 127.0.0.1
                port_range = %d:%d
                ; loopback addresses are not routable for a real relay; the demo endpoints live there
                routable_private_ranges = 127.0.0.0/8
                ; the kernel path needs a real network (see the netns tests); loopback stays in userspace
                forwarding = userspace
                traffic_sampling_period = 1
                keepalive_interval = 1
                %s

                [Dispatcher]
                socket_path = dispatcher.sock
                listen = 127.0.0.1:%d
                listen_management = 127.0.0.1:%d
                listen_metrics = 127.0.0.1:%d
                management_use_tls = yes
                accounting = database
                spool_dir = %s
                %s

                [OpenSIPS]
                socket_path = %s
                %s

                [Database]
                dburi = sqlite://%s
                %s

                [TLS]
                certs_path = %s
                %s
                """.formatted(relayPort, portRangeStart, portRangeStart + relayPorts, extra.getOrDefault("Relay", ""),
                relayPort, managementPort, metricsPort, base.resolve("spool"), extra.getOrDefault("Dispatcher", ""),
                base.resolve("opensips-mi.sock"), extra.getOrDefault("OpenSIPS", ""),
                accountingDatabase(), extra.getOrDefault("Database", ""),
                checkout.resolve("tls"), extra.getOrDefault("TLS", ""));
    }

    /**
     * Drops every option line that the same section sets again further down: the configuration
     * parser, like Python's, refuses an option given twice.
     */
    private static String lastOptionWins(String ini) {
        List<String> lines = ini.lines().toList();
        Set<String> setLater = new HashSet<>();
        List<String> kept = new ArrayList<>();
        String section = "";
        List<String> sections = new ArrayList<>();
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.startsWith("[")) {
                section = trimmed;
            }
            sections.add(section);
        }
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i);
            String trimmed = line.strip();
            int equals = trimmed.indexOf('=');
            boolean option = equals > 0 && !trimmed.startsWith(";") && !trimmed.startsWith("#");
            if (!option || setLater.add(sections.get(i) + " " + trimmed.substring(0, equals).strip().toLowerCase(Locale.ROOT))) {
                kept.add(line);
            }
        }
        Collections.reverse(kept);
        return String.join("\n", kept) + "\n";
    }

    public Path checkout() {
        return checkout;
    }

    public Path configDir() {
        return base.resolve("etc");
    }

    public Path runtimeDir() {
        return base.resolve("run");
    }

    public Path controlSocket() {
        return runtimeDir().resolve("dispatcher.sock");
    }

    public Path accountingDatabase() {
        return base.resolve("accounting.sqlite");
    }

    /** One row of the demo's accounting table: the columns CDRTool correlates on, and the record. */
    public record AccountingRow(String callId, String fromTag, String toTag, String info) {
    }

    /** The accounting rows for {@code callId}; none while the table does not exist yet. */
    public List<AccountingRow> accountingRows(String callId) {
        List<AccountingRow> rows = new ArrayList<>();
        if (!Files.exists(accountingDatabase())) {
            return rows;
        }
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + accountingDatabase());
                PreparedStatement query = db.prepareStatement(
                        "SELECT call_id, from_tag, to_tag, info FROM media_sessions WHERE call_id = ?")) {
            query.setString(1, callId);
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    rows.add(new AccountingRow(row.getString(1), row.getString(2), row.getString(3),
                            new String(row.getBytes(4), StandardCharsets.UTF_8)));
                }
            }
        } catch (SQLException tableNotYetThere) {
            // the dispatcher's accounting creates the table when it starts
        }
        return rows;
    }

    public Path certsDir() {
        return checkout.resolve("tls");
    }

    public InetSocketAddress management() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), managementPort);
    }

    /** The dispatcher's live sessions page; {@code metrics} below it is the Prometheus endpoint. */
    public URI webPage() {
        return URI.create("http://127.0.0.1:" + metricsPort + "/");
    }

    /** Asks the dispatcher's management port over TLS with the sample management certificate. */
    public JsonNode management(String command) throws ManagementException {
        try (ManagementClient client = ManagementClient.connect(management(),
                Optional.of(TlsCredentials.load(certsDir(), Role.MANAGEMENT_CLIENT)), Passport.parse("CN:*dispatcher"),
                Duration.ofSeconds(5))) {
            return PythonJson.parse(client.ask(command));
        }
    }

    public Path logDir() {
        return base.resolve("log");
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** An even port with {@code size} free UDP ports above it on loopback, away from the ephemeral range. */
    public static int freeUdpPortRange(int size) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int start = 20000 + 2 * (int) (Math.random() * 4000);
            if (allFree(start, size)) {
                return start;
            }
        }
        throw new IOException("no free UDP port range of " + size + " found on loopback");
    }

    private static boolean allFree(int start, int size) {
        for (int port = start; port < start + size; port++) {
            try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
                socket.getLocalPort();
            } catch (IOException taken) {
                return false;
            }
        }
        return true;
    }
}
