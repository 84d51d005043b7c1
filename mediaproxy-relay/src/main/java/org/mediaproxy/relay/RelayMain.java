package org.mediaproxy.relay;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.mediaproxy.common.config.MediaProxyConfig;
import org.mediaproxy.common.config.RelayConfig;
import org.mediaproxy.common.daemon.Daemon;
import org.mediaproxy.common.daemon.DaemonOptions;
import org.mediaproxy.common.daemon.Signals;
import org.mediaproxy.common.daemon.Version;
import org.mediaproxy.common.tls.Role;
import org.mediaproxy.common.tls.TlsCredentials;
import org.mediaproxy.relay.forwarding.ForwardingEngine;
import org.mediaproxy.relay.forwarding.kernel.ForwardingEngines;
import org.mediaproxy.relay.forwarding.kernel.KernelOptions;
import org.mediaproxy.relay.link.DispatcherAddress;
import org.mediaproxy.relay.link.DispatcherDirectory;
import org.mediaproxy.relay.link.LinkEnvironment;
import org.mediaproxy.relay.link.LinkSettings;
import org.mediaproxy.relay.link.RelayCommands;
import org.mediaproxy.relay.link.RelayControl;
import org.mediaproxy.relay.link.RelayLifecycle;
import org.mediaproxy.relay.link.SystemHostResolver;
import org.mediaproxy.relay.session.Cidr;
import org.mediaproxy.relay.session.RelaySettings;
import org.mediaproxy.relay.session.SessionListener;
import org.mediaproxy.relay.session.SessionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code media-relay}: reads config.ini, starts the media core and its forwarding engine, links
 * to the dispatchers, and lives until a signal ends it (relay-media.md §14): SIGHUP drains the
 * sessions, SIGINT/SIGTERM expire them at once; either way the relay exits 0 once every
 * dispatcher has its {@code expired} records. SIGUSR1 toggles DEBUG logging.
 */
@Command(name = "media-relay", description = "MediaProxy media relay: relays RTP/RTCP for the calls of its dispatchers")
public final class RelayMain implements Daemon.Program {

    private static final Logger LOG = LoggerFactory.getLogger(RelayMain.class);

    @Mixin
    private final DaemonOptions daemonOptions = new DaemonOptions();

    public static void main(String[] args) {
        Daemon.main(new RelayMain(), args);
    }

    @Override
    public int run(Daemon daemon) throws Exception {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            throw new IllegalStateException("media-relay runs on Linux only");
        }
        MediaProxyConfig config = MediaProxyConfig.load(daemon.configDirectories());
        RelayConfig relay = config.relay();
        daemon.logging().setConfiguredLevel(relay.logLevel());
        TlsCredentials credentials = TlsCredentials.load(config.tls().certsPath(), Role.RELAY);
        RelaySettings settings = settings(relay, relayIp(relay));

        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(daemonThreads("relay-timers"));
        ScheduledExecutorService dns = Executors.newSingleThreadScheduledExecutor(daemonThreads("dispatcher-dns"));
        EventLoopGroup links = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        ForwardingEngine engine = ForwardingEngines.choose(relay.forwarding(), KernelOptions.defaults(),
                Runtime.getRuntime().availableProcessors());
        // The session table reports to the lifecycle, which is built around the session table:
        // the listener is connected once both exist, before any session can be created.
        LifecycleListener listener = new LifecycleListener();
        SessionManager sessions = new SessionManager(settings, engine, Clock.systemUTC(), timers, listener);
        RelayControl control = new RelayControl(commands(sessions));
        LinkEnvironment environment = new LinkEnvironment(links, credentials, relay.passport(),
                config.tls().verifyInterval(), new LinkSettings(relay.keepaliveInterval(), relay.reconnectDelay()),
                new SystemHostResolver(), dns, control);
        List<DispatcherAddress> dispatchers = relay.dispatchers().stream()
                .map(address -> new DispatcherAddress(address.host(), address.port()))
                .toList();
        RelayLifecycle lifecycle = new RelayLifecycle(control,
                new DispatcherDirectory(dispatchers, relay.dnsCheckInterval(), environment), timers, daemon::status);
        listener.target = lifecycle;

        daemon.onSignal(Signals.Name.HUP, lifecycle::hangup);
        daemon.onSignal(Signals.Name.INT, () -> lifecycle.terminate("received SIGINT"));
        daemon.onSignal(Signals.Name.TERM, () -> lifecycle.terminate("received SIGTERM"));
        sessions.warmUp();
        lifecycle.start();
        daemon.ready("relaying on " + settings.relayIp().getHostAddress() + " for " + dispatchers.size()
                + (dispatchers.size() == 1 ? " dispatcher entry" : " dispatcher entries"));

        lifecycle.stopped().join();
        daemon.stopping();
        control.close();
        timers.shutdownNow();
        dns.shutdownNow();
        engine.close();
        links.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        LOG.info("media-relay stopped");
        return 0;
    }

    private static InetAddress relayIp(RelayConfig relay) throws IOException {
        if (relay.relayIp().isPresent()) {
            return relay.relayIp().get();
        }
        return DefaultRoute.address().orElseThrow(() -> new IllegalStateException(
                "[Relay] relay_ip is not set and there is no default route to take the address from"));
    }

    private static RelaySettings settings(RelayConfig relay, InetAddress relayIp) {
        List<Cidr> routable = relay.routablePrivateRanges().stream()
                .map(range -> new Cidr(range.network(), range.prefix()))
                .toList();
        return new RelaySettings(relayIp, relay.advertisedIp(), relay.autoDetectInterfaces(),
                relay.portRange().start(), relay.portRange().end(), relay.streamTimeout(), relay.onHoldTimeout(),
                relay.trafficSamplingPeriod(), relay.userspaceTransmitEvery(), routable, Version.current());
    }

    private static RelayCommands commands(SessionManager sessions) {
        return new RelayCommands() {
            @Override
            public String execute(String command, Map<String, String> headers, String dispatcher) {
                return sessions.execute(command, headers, dispatcher);
            }

            @Override
            public int sessionCount(String dispatcher) {
                return sessions.sessionCount(dispatcher);
            }

            @Override
            public void halt() {
                sessions.halt();
            }

            @Override
            public void expireAll() {
                sessions.expireAll();
            }

            @Override
            public boolean isIdle() {
                return sessions.isIdle();
            }
        };
    }

    private static ThreadFactory daemonThreads(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Passes the session table's events to the lifecycle once it exists. */
    private static final class LifecycleListener implements SessionListener {
        private volatile RelayLifecycle target;

        @Override
        public void expired(String dispatcher, String recordJson) {
            target.expired(dispatcher, recordJson);
        }

        @Override
        public void idle() {
            target.idle();
        }
    }
}
