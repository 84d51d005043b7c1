package org.mediaproxy.dispatcher;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.mediaproxy.common.config.DatabaseConfig;
import org.mediaproxy.common.config.HostPort;
import org.mediaproxy.common.config.DispatcherConfig;
import org.mediaproxy.common.config.MediaProxyConfig;
import org.mediaproxy.common.config.RadiusConfig;
import org.mediaproxy.common.daemon.Daemon;
import org.mediaproxy.common.daemon.DaemonOptions;
import org.mediaproxy.common.daemon.LogLevel;
import org.mediaproxy.common.daemon.Signals;
import org.mediaproxy.common.daemon.Version;
import org.mediaproxy.common.tls.Role;
import org.mediaproxy.common.tls.TlsCredentials;
import org.mediaproxy.dispatcher.accounting.Accounting;
import org.mediaproxy.dispatcher.accounting.AccountingBackends;
import org.mediaproxy.dispatcher.accounting.DeliveryPolicy;
import org.mediaproxy.dispatcher.accounting.database.DatabaseSettings;
import org.mediaproxy.dispatcher.accounting.radius.RadiusSettings;
import org.mediaproxy.dispatcher.web.DispatcherMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code media-dispatcher}: reads {@code config.ini}, loads the TLS credentials, starts
 * accounting and the {@link MediaDispatcher}, then serves until SIGHUP, SIGINT or SIGTERM – all
 * three an orderly stop, as in the original – and exits 0. SIGUSR1 toggles DEBUG logging.
 */
@Command(name = "media-dispatcher", description = "MediaProxy media dispatcher: OpenSIPS, relays, management, accounting")
public final class DispatcherMain implements Daemon.Program {

    private static final Logger log = LoggerFactory.getLogger(DispatcherMain.class);

    @Mixin
    private final DaemonOptions daemonOptions = new DaemonOptions();

    public static void main(String[] args) {
        Daemon.main(new DispatcherMain(), args);
    }

    @Override
    public int run(Daemon daemon) throws Exception {
        MediaProxyConfig config = MediaProxyConfig.load(daemon.configDirectories());
        DispatcherConfig settings = config.dispatcher();
        daemon.logging().setConfiguredLevel(LogLevel.valueOf(settings.logLevel().name()));
        TlsCredentials credentials = TlsCredentials.load(config.tls().certsPath(), Role.DISPATCHER);
        Path runtime = daemon.runtimeDirectory();
        MediaDispatcher.Setup setup = new MediaDispatcher.Setup(runtime, runtime.resolve(settings.socketPath()),
                settings.listen().toSocketAddress(), settings.listenManagement().toSocketAddress(),
                settings.listenMetrics().map(HostPort::toSocketAddress), credentials, config.tls().verifyInterval(), settings.passport(), settings.managementUseTls(),
                settings.managementPassport(), settings.opensipsTimeout(), settings.relayTimeout(),
                settings.relayRecoverInterval(), settings.cleanupDeadRelaysAfter(), settings.cleanupExpiredSessionsAfter(),
                config.opensips().socketPath(), config.opensips().dialogIdFormat(), Version.current(),
                Dispatcher.LOAD_POLL_INTERVAL, Dispatcher.PURGE_INTERVAL);

        DispatcherMetrics metrics = new DispatcherMetrics();
        Accounting accounting = Accounting.start(
                AccountingBackends.create(settings.accounting(), database(config.database()), radius(config.radius())),
                settings.spoolDir(), DeliveryPolicy.DEFAULT,
                backend -> metrics.error(DispatcherMetrics.ErrorKind.ACCOUNTING_FAILURE));
        MediaDispatcher dispatcher;
        try {
            dispatcher = MediaDispatcher.start(setup, accounting, metrics, Clock.systemUTC());
        } catch (Exception e) {
            accounting.close();
            throw e;
        }

        CountDownLatch stop = new CountDownLatch(1);
        for (Signals.Name signal : new Signals.Name[] {Signals.Name.HUP, Signals.Name.INT, Signals.Name.TERM}) {
            daemon.onSignal(signal, () -> {
                log.info("received SIG{}: shutting down", signal);
                stop.countDown();
            });
        }
        daemon.ready("dispatching to relays; OpenSIPS socket " + dispatcher.socketPath());
        stop.await();
        daemon.stopping();
        dispatcher.shutdown();
        accounting.close();
        log.info("{} stopped", daemon.programName());
        return 0;
    }

    private static DatabaseSettings database(DatabaseConfig database) {
        return new DatabaseSettings(database.dburi(), database.sessionsTable(), database.callidColumn(),
                database.fromtagColumn(), database.totagColumn(), database.infoColumn());
    }

    private static RadiusSettings radius(RadiusConfig radius) {
        return new RadiusSettings(radius.configFile(), radius.additionalDictionary());
    }
}
