package org.mediaproxy.management;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.mediaproxy.common.config.ConfigException;
import org.mediaproxy.common.config.HostPort;
import org.mediaproxy.common.config.MediaProxyConfig;
import org.mediaproxy.common.json.PythonJson;
import org.mediaproxy.common.tls.Passport;
import org.mediaproxy.common.tls.Role;
import org.mediaproxy.common.tls.TlsCredentials;
import org.mediaproxy.common.tls.TlsCredentialsException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code media-sessions}: asks a dispatcher's management interface for its live sessions or relay
 * summary and shows them as a table, raw JSON, or a view that refreshes itself.
 */
@Command(name = "media-sessions", mixinStandardHelpOptions = true, versionProvider = SessionsMain.Version.class,
        description = "Show the live media sessions and relays of a MediaProxy dispatcher.",
        footer = {"", "Without --dispatcher the management address of the dispatcher configured in config.ini "
                + "is used (127.0.0.1 when it listens on all interfaces). TLS uses management.crt/.key, ca.pem and "
                + "crl.pem from the configured certs_path unless --no-tls or management_use_tls = no."})
public final class SessionsMain implements Callable<Integer> {

    @Parameters(index = "0", defaultValue = "sessions", paramLabel = "COMMAND",
            description = "sessions (default), summary or version")
    String command;

    @Option(names = {"-d", "--dispatcher"}, paramLabel = "HOST[:PORT]",
            description = "management address of the dispatcher (default port 25061)")
    String dispatcher;

    @Option(names = "--config-dir", paramLabel = "PATH", defaultValue = "/etc/mediaproxy",
            description = "configuration directory, looked at before /etc/mediaproxy (default: ${DEFAULT-VALUE})")
    Path configDir;

    @Option(names = "--certs", paramLabel = "DIR", description = "directory with ca.pem, crl.pem and the client "
            + "certificate (default: [TLS] certs_path of config.ini)")
    Path certsDir;

    @Option(names = "--no-tls", description = "plain TCP, for a dispatcher with management_use_tls = no")
    boolean noTls;

    @Option(names = "--passport", paramLabel = "PASSPORT", defaultValue = "None",
            description = "required subject of the dispatcher's certificate, e.g. 'CN:*dispatcher' (default: None)")
    String passport;

    @Option(names = "--json", description = "print the dispatcher's answer line unchanged")
    boolean json;

    @Option(names = "--watch", paramLabel = "SECONDS", description = "refresh the view every SECONDS until interrupted")
    Integer watch;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "5",
            description = "how long to wait for the connection and each answer (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    private final PrintStream out;
    private final PrintStream err;

    SessionsMain(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        quietLogging();
        SessionsMain main = new SessionsMain(System.out, System.err);
        System.exit(commandLine(main).execute(args));
    }

    static CommandLine commandLine(SessionsMain main) {
        return new CommandLine(main).setOut(new java.io.PrintWriter(main.out, true)).setErr(new java.io.PrintWriter(main.err, true));
    }

    /** Library warnings go to stderr as one plain line; everything below WARN stays quiet. */
    private static void quietLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.ERROR);
        }
    }

    @Override
    public Integer call() {
        if (!List.of("sessions", "summary", "version").contains(command)) {
            err.println("media-sessions: unknown command '" + command + "' (use sessions, summary or version)");
            return 2;
        }
        try {
            Target target = target();
            do {
                String answer;
                try (ManagementClient client = ManagementClient.connect(target.address(), target.tls(),
                        Passport.parse(passport), Duration.ofSeconds(timeoutSeconds))) {
                    answer = client.ask(command);
                }
                show(answer);
                if (watch != null) {
                    Thread.sleep(Math.max(1, watch) * 1000L);
                }
            } while (watch != null);
            return 0;
        } catch (ManagementException | ConfigException | TlsCredentialsException | IllegalArgumentException e) {
            err.println("media-sessions: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            return 0;
        }
    }

    private void show(String answer) throws ManagementException {
        if (watch != null) {
            out.print("\033[H\033[2J");
            out.println(command + " at " + LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss"))
                    + " (every " + watch + " s, Ctrl-C to stop)");
        }
        if (json || command.equals("version")) {
            out.println(answer);
        } else if (answer.equals("error")) {
            throw new ManagementException("the dispatcher answered 'error' to '" + command + "'");
        } else {
            JsonNode parsed;
            try {
                parsed = PythonJson.parse(answer);
            } catch (IllegalArgumentException e) {
                throw new ManagementException("the dispatcher's answer is not JSON: " + abbreviate(answer));
            }
            out.print(command.equals("sessions") ? SessionsView.render(parsed) : SummaryView.render(parsed));
        }
        out.flush();
    }

    private static String abbreviate(String text) {
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }

    private record Target(InetSocketAddress address, Optional<TlsCredentials> tls) {
    }

    private Target target() throws ConfigException {
        MediaProxyConfig config = MediaProxyConfig.load(List.copyOf(new LinkedHashSet<>(
                List.of(configDir, MediaProxyConfig.SYSTEM_CONFIG_DIR))));
        HostPort configured = config.dispatcher().listenManagement();
        HostPort address = dispatcher != null
                ? HostPort.parse(dispatcher, configured.port())
                : new HostPort(configured.host().equals("0.0.0.0") ? "127.0.0.1" : configured.host(), configured.port());
        boolean useTls = !noTls && config.dispatcher().managementUseTls();
        Optional<TlsCredentials> tls = useTls
                ? Optional.of(TlsCredentials.load(certsDir != null ? certsDir : config.tls().certsPath(), Role.MANAGEMENT_CLIENT))
                : Optional.empty();
        return new Target(new InetSocketAddress(address.host(), address.port()), tls);
    }

    /** The version the build wrote into the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = SessionsMain.class.getPackage().getImplementationVersion();
            return new String[] {"media-sessions " + (version != null ? version : "(development build)")};
        }
    }
}
