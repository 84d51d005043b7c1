package org.mediaproxy.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.mediaproxy.common.json.PythonJson;
import org.mediaproxy.testkit.DemoEnvironment;
import org.mediaproxy.testkit.OpenSipsClient;
import org.mediaproxy.testkit.SipDialog;
import org.mediaproxy.testkit.SipDialog.Media;

/**
 * The three .deb files built by the {@code debian} module, installed with {@code apt-get install
 * ./…deb} into a {@link Sandbox} (a throw-away overlay of this machine), then checked the way an
 * operator would meet them: files and modes, enabled units that {@code systemd-analyze verify}
 * accepts, the sysctl settings applied, the programs' versions, both daemons started by their
 * units' command lines with the demo configuration in {@code /etc/mediaproxy} (readiness over
 * sd_notify, a call, the accounting row, a drain through {@code ExecReload}), and a purge that
 * leaves nothing behind. The tests without an order only read the .deb files.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebianPackagesTest {

    private static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();
    private static final Path WORK = Path.of("target", "packaging-test").toAbsolutePath();
    private static final List<String> UNITS = List.of("mediaproxy-dispatcher.service", "mediaproxy-relay.service");

    private DebianPackage common;
    private DebianPackage relay;
    private DebianPackage dispatcher;
    private String version;
    private DemoEnvironment demo;
    private Sandbox sandbox;
    private Sandbox.Result installation;

    @BeforeAll
    void installIntoASandbox() throws Exception {
        common = DebianPackage.built("mediaproxy-common");
        relay = DebianPackage.built("mediaproxy-relay");
        dispatcher = DebianPackage.built("mediaproxy-dispatcher");
        version = common.version();
        deleteTree(WORK);
        // Written before the sandbox starts, so the overlay shows it; the daemons' runtime files and
        // accounting database then land in the overlay only.
        // A cold relay's first kernel-mode session can take longer than the default 500 ms on a
        // busy CI machine; this test is about the packages, not about that latency.
        demo = DemoEnvironment.create(CHECKOUT, WORK.resolve("demo"), Map.of("Dispatcher", "opensips_timeout = 5000"));
        sandbox = Sandbox.start(WORK.resolve("sandbox"), CHECKOUT);
        installation = sandbox.sh("apt-get install -y --no-install-recommends " + common.file() + " "
                + relay.file() + " " + dispatcher.file());
    }

    @AfterAll
    void dropTheSandbox() throws InterruptedException {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    // ---- the package files themselves ----

    @Test
    void everyPackageCarriesTheProjectVersionAndIsArchitectureIndependent() throws Exception {
        for (DebianPackage deb : List.of(common, relay, dispatcher)) {
            assertEquals(version, deb.version(), deb.name());
            assertEquals("all", deb.field("Architecture"), deb.name());
            assertEquals(deb.name(), deb.field("Package"));
        }
    }

    @Test
    void dependenciesNameTheJavaRuntimeTheNetfilterLibrariesAndTheExactCommonVersion() throws Exception {
        assertEquals("default-jre-headless (>= 2:1.17) | java17-runtime-headless", common.field("Depends"));
        List<String> relayDepends = List.of(relay.field("Depends").split(",\\s*"));
        assertEquals(List.of("mediaproxy-common (= " + version + ")", "libnetfilter-conntrack3", "libnftables1"),
                relayDepends);
        assertEquals("mediaproxy-common (= " + version + ")", dispatcher.field("Depends"));
    }

    @Test
    void conffilesAreTheFilesAnOperatorEdits() throws Exception {
        assertEquals(List.of("/etc/mediaproxy/config.ini"), common.conffiles());
        assertEquals(List.of("/etc/default/mediaproxy-relay"), relay.conffiles());
        assertEquals(List.of("/etc/default/mediaproxy-dispatcher"), dispatcher.conffiles());
    }

    @Test
    void noPackageShipsCredentials() throws Exception {
        for (DebianPackage deb : List.of(common, relay, dispatcher)) {
            List<String> credentials = deb.paths().stream()
                    .filter(path -> path.matches(".*\\.(pem|key|crt|csr|p12|jks)$") || path.startsWith("/etc/mediaproxy/tls/"))
                    .toList();
            assertEquals(List.of(), credentials, deb.name() + " must not install TLS credentials");
        }
        String tlsDirectory = common.listing().stream().filter(line -> line.endsWith(" ./etc/mediaproxy/tls/"))
                .findFirst().orElseThrow();
        assertTrue(tlsDirectory.startsWith("drwxr-x--- root/root"), tlsDirectory);
    }

    @Test
    void eachJarIsShippedOnceAndEveryModuleJarIsThere() throws Exception {
        List<String> jars = new ArrayList<>();
        for (DebianPackage deb : List.of(common, relay, dispatcher)) {
            deb.paths().stream().filter(path -> path.endsWith(".jar"))
                    .map(path -> path.substring(path.lastIndexOf('/') + 1)).forEach(jars::add);
        }
        assertEquals(jars.size(), new HashSet<>(jars).size(), "a jar appears in two packages: " + jars);
        assertTrue(common.paths().containsAll(List.of(
                "/usr/share/mediaproxy-common/lib/mediaproxy-common-" + version + ".jar",
                "/usr/share/mediaproxy-common/lib/mediaproxy-management-" + version + ".jar")));
        assertTrue(relay.paths().contains("/usr/share/mediaproxy-relay/lib/mediaproxy-relay-" + version + ".jar"));
        assertTrue(relay.paths().stream().anyMatch(path -> path.matches(".*/jnr-ffi-[^/]+\\.jar")), "relay needs jnr-ffi");
        assertTrue(dispatcher.paths().contains(
                "/usr/share/mediaproxy-dispatcher/lib/mediaproxy-dispatcher-" + version + ".jar"));
        for (String driver : List.of("sqlite-jdbc", "mariadb-java-client", "postgresql", "HikariCP", "tinyradius")) {
            assertTrue(dispatcher.paths().stream().anyMatch(path -> path.contains("/" + driver + "-")),
                    "dispatcher needs " + driver);
        }
    }

    @Test
    void manualPagesFormatWithoutWarnings() throws Exception {
        for (String page : List.of("media-dispatcher.1", "media-relay.1", "media-sessions.1")) {
            Process man = new ProcessBuilder("man", "--warnings", "-l", CHECKOUT.resolve("debian/man").resolve(page).toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String warnings = new String(man.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(man.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, man.exitValue(), page);
            assertEquals("", warnings, page);
        }
    }

    // ---- installed in the sandbox ----

    @Test
    @Order(1)
    void aptInstallsAllThreePackages() throws Exception {
        assertEquals(0, installation.exitCode(), installation.output());
        Sandbox.Result status = sandbox.sh("dpkg-query -W -f '${Package} ${Version} ${Status}\\n' "
                + "mediaproxy-common mediaproxy-relay mediaproxy-dispatcher");
        assertEquals(List.of(
                "mediaproxy-common " + version + " install ok installed",
                "mediaproxy-dispatcher " + version + " install ok installed",
                "mediaproxy-relay " + version + " install ok installed"), status.output().lines().sorted().toList());
    }

    @Test
    @Order(2)
    void filesLandWhereTheUnitsAndLaunchersLookForThem() throws Exception {
        for (String program : List.of("media-dispatcher", "media-relay", "media-sessions")) {
            assertTrue(Files.isExecutable(inside("/usr/bin/" + program)), program);
            assertEquals(0, sandbox.sh("man -w " + program).exitCode(), "manual page of " + program);
        }
        for (String unit : UNITS) {
            assertTrue(Files.isRegularFile(inside("/lib/systemd/system/" + unit)), unit);
        }
        assertEquals(Files.readString(CHECKOUT.resolve("config.ini.sample")), Files.readString(inside("/etc/mediaproxy/config.ini")));
        assertEquals("rw-r-----", permissions("/etc/mediaproxy/config.ini"), "config.ini may hold a database password");
        assertEquals("rwxr-x---", permissions("/etc/mediaproxy/tls"));
        try (Stream<Path> credentials = Files.list(inside("/etc/mediaproxy/tls"))) {
            assertEquals(0, credentials.count(), "/etc/mediaproxy/tls is shipped empty");
        }
        assertTrue(Files.isDirectory(inside("/var/spool/mediaproxy")), "accounting spool");
        assertTrue(Files.isRegularFile(inside("/usr/lib/sysctl.d/60-mediaproxy-relay.conf")));
        assertTrue(Files.isRegularFile(inside("/usr/share/doc/mediaproxy-common/INSTALL")));
    }

    @Test
    @Order(3)
    void servicesAreEnabledForTheNextBoot() throws Exception {
        for (String unit : UNITS) {
            Path link = inside("/etc/systemd/system/multi-user.target.wants/" + unit);
            assertTrue(Files.isSymbolicLink(link), unit + " enabled");
            assertEquals(Path.of("/lib/systemd/system", unit), Files.readSymbolicLink(link));
        }
    }

    @Test
    @Order(4)
    void installingTheRelaySwitchesOnForwardingAndConntrackAccounting() throws Exception {
        assertEquals("1", sandbox.sh("cat /proc/sys/net/ipv4/ip_forward").output().strip());
        assertEquals("1", sandbox.sh("cat /proc/sys/net/netfilter/nf_conntrack_acct").output().strip());
    }

    @Test
    @Order(5)
    void systemdAcceptsTheUnits() throws Exception {
        Sandbox.Result verify = sandbox.sh("systemd-analyze verify /lib/systemd/system/mediaproxy-dispatcher.service "
                + "/lib/systemd/system/mediaproxy-relay.service");
        assertEquals(0, verify.exitCode(), verify.output());
        // Other units on the machine may draw warnings of their own; ours must draw none.
        assertEquals(List.of(), verify.output().lines().filter(line -> line.contains("mediaproxy")).toList());
    }

    @Test
    @Order(6)
    void unitsStartTheDaemonsAsSystemdServicesWithTheirLimits() throws Exception {
        String dispatcherUnit = Files.readString(inside("/lib/systemd/system/mediaproxy-dispatcher.service"));
        String relayUnit = Files.readString(inside("/lib/systemd/system/mediaproxy-relay.service"));
        for (String unit : List.of(dispatcherUnit, relayUnit)) {
            assertTrue(unit.contains("\nType=notify\n"), unit);
            assertTrue(unit.contains("\nRestart=on-abnormal\n"), unit);
            assertTrue(unit.contains("\nRuntimeDirectory=mediaproxy\n"), unit);
            assertTrue(unit.contains("\nRuntimeDirectoryPreserve=yes\n"), unit);
        }
        assertTrue(dispatcherUnit.contains("\nExecStart=/usr/bin/media-dispatcher --systemd\n"));
        assertTrue(dispatcherUnit.contains("\nAfter=network-online.target mariadb.service mysql.service postgresql.service\n"));
        assertFalse(dispatcherUnit.contains("ExecReload"), "SIGHUP stops the dispatcher: no reload");
        assertTrue(relayUnit.contains("\nExecStart=/usr/bin/media-relay --systemd\n"));
        assertTrue(relayUnit.contains("\nExecReload=/bin/kill -HUP $MAINPID\n"));
        int limit = Integer.parseInt(relayUnit.lines().filter(line -> line.startsWith("LimitNOFILE="))
                .findFirst().orElseThrow().substring("LimitNOFILE=".length()));
        assertTrue(limit >= 65536 - 1024 + 1000, "room for the widest port range: " + limit);
    }

    @Test
    @Order(7)
    void launchersExecTheChosenJavaWithTheInstalledClassPath() throws Exception {
        // echo stands in for java, so the command line the launcher builds is printed.
        Map<String, String> expected = Map.of(
                "media-dispatcher", "/usr/share/mediaproxy-dispatcher/lib/*:/usr/share/mediaproxy-common/lib/* "
                        + "org.mediaproxy.dispatcher.DispatcherMain",
                "media-relay", "/usr/share/mediaproxy-relay/lib/*:/usr/share/mediaproxy-common/lib/* "
                        + "org.mediaproxy.relay.RelayMain",
                "media-sessions", "/usr/share/mediaproxy-common/lib/* org.mediaproxy.management.SessionsMain");
        for (Map.Entry<String, String> launcher : expected.entrySet()) {
            Sandbox.Result result = sandbox.sh("JAVA=/bin/echo MEDIAPROXY_JAVA_OPTS='-Xmx64m -Dx=y' "
                    + launcher.getKey() + " --version 'two words'");
            assertEquals(0, result.exitCode(), result.output());
            assertEquals("--enable-native-access=ALL-UNNAMED -Xmx64m -Dx=y -cp " + launcher.getValue() + " --version two words",
                    result.output().strip());
        }
    }

    @Test
    @Order(8)
    void installedProgramsPrintTheirVersion() throws Exception {
        for (String program : List.of("media-dispatcher", "media-relay", "media-sessions")) {
            Sandbox.Result result = sandbox.sh(program + " --version");
            assertEquals(0, result.exitCode(), result.output());
            assertEquals(program + " " + version, result.output().strip());
        }
    }

    @Test
    @Order(9)
    void installedDaemonsRunAsTheirUnitsStartThemAndCarryACall() throws Exception {
        // The demo configuration (loopback, sample certificates, SQLite accounting) in the
        // installed location, so everything runs without options, exactly as the units start it;
        // forwarding = kernel, so the relay must load libnetfilter_conntrack and libnftables
        // (the package's dependencies) and pass its self-test, or refuse to start.
        String config = Files.readString(demo.configDir().resolve("config.ini"));
        assertTrue(config.contains("\nforwarding = userspace\n"), config);
        Files.writeString(inside("/etc/mediaproxy/config.ini"),
                config.replace("\nforwarding = userspace\n", "\nforwarding = kernel\n"));
        assertEquals(0, sandbox.sh("mkdir -m 0755 /run/mediaproxy").exitCode(), "what RuntimeDirectory= does");
        // Declared last, closed first: the daemons stop while their notify sockets still listen.
        try (NotifySocket dispatcherNotify = NotifySocket.bind(inside("/run/notify-dispatcher"));
                NotifySocket relayNotify = NotifySocket.bind(inside("/run/notify-relay"));
                Daemons daemons = new Daemons()) {
            Process dispatcherProcess = daemons.add(startAsUnit("mediaproxy-dispatcher.service", "/run/notify-dispatcher"));
            String ready = await(dispatcherNotify, "READY=1", dispatcherProcess, "mediaproxy-dispatcher.service");
            assertTrue(ready.contains("MAINPID=" + dispatcherProcess.pid()), ready);
            Process relayProcess = daemons.add(startAsUnit("mediaproxy-relay.service", "/run/notify-relay"));
            ready = await(relayNotify, "READY=1", relayProcess, "mediaproxy-relay.service");
            assertTrue(ready.contains("MAINPID=" + relayProcess.pid()), ready);
            assertTrue(log("mediaproxy-relay.service").contains("forwarding engine: kernel"), log("mediaproxy-relay.service"));

            JsonNode relayState = awaitRelayStatus("active", relayProcess);
            assertEquals(version, relayState.path("version").asText(), relayState.toString());

            SipDialog call = new SipDialog("packaging-" + System.nanoTime() + "@127.0.0.1", "from-pkg", "to-pkg",
                    "2959232491322");
            try (OpenSipsClient opensips = OpenSipsClient.connect(inside("/run/mediaproxy/dispatcher.sock"),
                    Duration.ofSeconds(10))) {
                String offer = opensips.send(call.offer(1, "127.0.0.1", List.of(Media.audio("127.0.0.1", 4000))));
                assertTrue(offer.matches("127\\.0\\.0\\.1 \\d+"), offer);
                String answer = opensips.send(call.answer(1, "127.0.0.1", List.of(Media.audio("127.0.0.1", 5000))));
                assertTrue(answer.matches("127\\.0\\.0\\.1 \\d+"), answer);
                Sandbox.Result sessions = sandbox.sh("media-sessions --json sessions");
                assertEquals(0, sessions.exitCode(), sessions.output());
                assertTrue(sessions.output().contains(call.callId()), sessions.output());

                // systemctl reload runs the unit's ExecReload: the relay drains, keeping the call...
                Sandbox.Result reload = sandbox.sh(unitSetting("mediaproxy-relay.service", "ExecReload")
                        .replace("$MAINPID", Long.toString(relayProcess.pid())));
                assertEquals(0, reload.exitCode(), reload.output());
                relayState = awaitRelayStatus("halting", relayProcess);
                assertEquals(1, relayState.path("session_count").asInt(), relayState.toString());

                // ...and exits 0 once it has ended (so Restart=on-abnormal leaves it stopped).
                assertEquals("removed", opensips.send(call.remove()));
                assertEquals(0, exitCode(relayProcess), log("mediaproxy-relay.service"));
            }
            assertEquals(1, awaitAccountingRows(call.callId()), "the call's accounting row (SQLite driver of the package)");

            // systemctl stop = SIGTERM.
            assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(dispatcherProcess.pid())).start().waitFor());
            await(dispatcherNotify, "STOPPING=1", dispatcherProcess, "mediaproxy-dispatcher.service");
            assertEquals(0, exitCode(dispatcherProcess), log("mediaproxy-dispatcher.service"));
        }
    }

    @Test
    @Order(10)
    void purgeLeavesNothingBehind() throws Exception {
        Sandbox.Result purge = sandbox.sh("apt-get purge -y mediaproxy-common mediaproxy-relay mediaproxy-dispatcher");
        assertEquals(0, purge.exitCode(), purge.output());
        for (String path : List.of("/etc/mediaproxy", "/usr/share/mediaproxy-common", "/usr/share/mediaproxy-relay",
                "/usr/share/mediaproxy-dispatcher", "/usr/bin/media-relay", "/lib/systemd/system/mediaproxy-relay.service",
                "/etc/default/mediaproxy-relay", "/etc/default/mediaproxy-dispatcher", "/var/spool/mediaproxy",
                "/etc/systemd/system/mediaproxy-relay.service", "/etc/systemd/system/mediaproxy-dispatcher.service",
                "/etc/systemd/system/multi-user.target.wants/mediaproxy-relay.service",
                "/etc/systemd/system/multi-user.target.wants/mediaproxy-dispatcher.service")) {
            assertFalse(Files.exists(inside(path), java.nio.file.LinkOption.NOFOLLOW_LINKS), path + " left behind");
        }
    }

    // ---- helpers ----

    private Path inside(String path) {
        return sandbox.outside(path);
    }

    private String permissions(String path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(inside(path)));
    }

    /** Runs the unit's ExecStart inside the sandbox with $NOTIFY_SOCKET, as systemd would; output to a log file. */
    private Process startAsUnit(String unit, String notifySocket) throws IOException {
        List<String> execStart = List.of(unitSetting(unit, "ExecStart").split(" "));
        return sandbox.spawn(execStart, Map.of("NOTIFY_SOCKET", notifySocket), WORK.resolve(unit + ".log"));
    }

    private String unitSetting(String unit, String key) throws IOException {
        return Files.readAllLines(inside("/lib/systemd/system/" + unit)).stream()
                .filter(line -> line.startsWith(key + "="))
                .findFirst().orElseThrow(() -> new AssertionError(unit + " has no " + key))
                .substring(key.length() + 1);
    }

    private String await(NotifySocket socket, String assignment, Process daemon, String unit) throws InterruptedException {
        try {
            return socket.await(assignment, daemon, Duration.ofSeconds(60));
        } catch (AssertionError e) {
            throw new AssertionError(unit + ": " + e.getMessage() + "; its log:\n" + log(unit), e);
        }
    }

    private String log(String name) {
        try {
            return Files.readString(WORK.resolve(name + ".log"));
        } catch (IOException e) {
            return "(no " + name + ")";
        }
    }

    /** Waits until the dispatcher's summary (asked with the installed media-sessions) shows one relay in {@code status}. */
    private JsonNode awaitRelayStatus(String status, Process relayProcess) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Sandbox.Result last = null;
        while (System.nanoTime() < deadline && relayProcess.isAlive()) {
            last = sandbox.sh("media-sessions --json summary");
            if (last.exitCode() == 0) {
                JsonNode summary = PythonJson.parse(last.output().strip());
                if (summary.size() == 1 && summary.get(0).path("status").asText().equals(status)) {
                    return summary.get(0);
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no relay in state " + status + "; last media-sessions output: " + last
                + "\ndispatcher log:\n" + log("mediaproxy-dispatcher.service") + "\nrelay log:\n" + log("mediaproxy-relay.service"));
    }

    /** Rows for the call in the demo's SQLite accounting table, read with the sqlite3 tool inside the sandbox. */
    private int awaitAccountingRows(String callId) throws Exception {
        String query = "sqlite3 " + demo.accountingDatabase() + " \"SELECT count(*) FROM media_sessions WHERE call_id = '"
                + callId + "'\"";
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Sandbox.Result last;
        do {
            last = sandbox.sh(query);
            if (last.exitCode() == 0 && !last.output().strip().equals("0")) {
                return Integer.parseInt(last.output().strip());
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no accounting row for " + callId + "; sqlite3 said: " + last.output()
                + "\ndispatcher log:\n" + log("mediaproxy-dispatcher.service"));
    }

    private static int exitCode(Process daemon) throws InterruptedException {
        if (!daemon.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("still running 30 s later");
        }
        return daemon.exitValue();
    }

    /** Daemons started by a test, stopped (TERM, then KILL) whatever happens to it. */
    private static final class Daemons implements AutoCloseable {
        private final List<Process> started = new ArrayList<>();

        Process add(Process daemon) {
            started.add(daemon);
            return daemon;
        }

        @Override
        public void close() throws InterruptedException {
            for (int i = started.size() - 1; i >= 0; i--) {
                Process daemon = started.get(i);
                if (daemon.isAlive()) {
                    daemon.destroy();
                    if (!daemon.waitFor(10, TimeUnit.SECONDS)) {
                        daemon.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    }
                }
            }
        }
    }


    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
