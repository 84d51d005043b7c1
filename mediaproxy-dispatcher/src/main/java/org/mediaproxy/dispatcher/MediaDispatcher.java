package org.mediaproxy.dispatcher;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mediaproxy.common.config.DialogIdFormat;
import org.mediaproxy.common.tls.Passport;
import org.mediaproxy.common.tls.TlsCredentials;
import org.mediaproxy.dispatcher.management.ManagementServer;
import org.mediaproxy.dispatcher.management.ManagementService;
import org.mediaproxy.dispatcher.mi.DialogTerminator;
import org.mediaproxy.dispatcher.mi.OpenSipsMi;
import org.mediaproxy.dispatcher.opensips.OpenSipsServer;
import org.mediaproxy.dispatcher.relay.RelaySelector;
import org.mediaproxy.dispatcher.relay.RelayServer;
import org.mediaproxy.dispatcher.session.DispatcherSession;
import org.mediaproxy.dispatcher.session.RecordSink;
import org.mediaproxy.dispatcher.session.SessionStateFile;
import org.mediaproxy.dispatcher.web.DispatcherMetrics;
import org.mediaproxy.dispatcher.web.WebServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running dispatcher: the {@link Dispatcher} and its sockets (OpenSIPS, relays, management,
 * OpenSIPS MI and, when configured, metrics and the web page) on one event loop thread, so that
 * the dispatcher's state needs no locks. {@link #shutdown()} performs the orderly stop the
 * signals ask for.
 */
public final class MediaDispatcher {

    private static final Logger log = LoggerFactory.getLogger(MediaDispatcher.class);

    /** The saved session table, in the runtime directory. */
    public static final String STATE_FILE = "dispatcher_state";
    /** This side of the OpenSIPS MI link, in the runtime directory. */
    public static final String MI_SOCKET = "opensips.sock";
    /**
     * How much longer than {@code relay_timeout} the web server waits for the live state: by then
     * every relay has answered or been given up on, so the answer is complete.
     */
    private static final Duration WEB_ANSWER_MARGIN = Duration.ofSeconds(1);

    /**
     * Everything the dispatcher needs, already resolved from the configuration.
     *
     * @param socketPath       OpenSIPS socket, already resolved against the runtime directory
     * @param listenMetrics    {@code [Dispatcher] listen_metrics}: where to serve metrics and the web page, if anywhere
     * @param credentials      the dispatcher's TLS credentials (relays, and management with TLS)
     * @param verifyInterval   {@code [TLS] verify_interval}
     * @param loadPollInterval how often relays are asked for their load ({@link Dispatcher#LOAD_POLL_INTERVAL})
     * @param purgeInterval    how often expired sessions are purged ({@link Dispatcher#PURGE_INTERVAL})
     */
    public record Setup(Path runtimeDir, Path socketPath, InetSocketAddress listen, InetSocketAddress listenManagement,
            Optional<InetSocketAddress> listenMetrics, TlsCredentials credentials, Duration verifyInterval,
            Passport passport, boolean managementUseTls, Passport managementPassport, Duration opensipsTimeout,
            Duration relayTimeout, Duration relayRecoverInterval,
            Duration cleanupDeadRelaysAfter, Duration cleanupExpiredSessionsAfter, Path opensipsMiSocket,
            DialogIdFormat dialogIdFormat, String version, Duration loadPollInterval, Duration purgeInterval) {
    }

    private final Setup setup;
    private final MultiThreadIoEventLoopGroup group;
    private final EventLoop loop;
    private final Dispatcher dispatcher;
    private final OpenSipsMi mi;
    private final RelayServer relayServer;
    private final ManagementServer managementServer;
    private final WebServer webServer; // null when listen_metrics is off
    private final OpenSipsServer openSipsServer;

    private MediaDispatcher(Setup setup, MultiThreadIoEventLoopGroup group, EventLoop loop, Dispatcher dispatcher, OpenSipsMi mi,
            RelayServer relayServer, ManagementServer managementServer, WebServer webServer, OpenSipsServer openSipsServer) {
        this.setup = setup;
        this.group = group;
        this.loop = loop;
        this.dispatcher = dispatcher;
        this.mi = mi;
        this.relayServer = relayServer;
        this.managementServer = managementServer;
        this.webServer = webServer;
        this.openSipsServer = openSipsServer;
    }

    /**
     * Restores the session table saved by a previous run, binds every socket and starts serving.
     *
     * @param records where ended sessions go; its spool depth is shown in the metrics
     * @param metrics counted by the dispatcher as things happen (shared with accounting, which
     *                counts its delivery failures there)
     * @throws IOException when a socket cannot be bound (nothing is left running then)
     */
    public static MediaDispatcher start(Setup setup, RecordSink records, DispatcherMetrics metrics, Clock clock)
            throws IOException, InterruptedException {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        EventLoop loop = group.next();
        OpenSipsMi mi = null;
        RelayServer relayServer = null;
        ManagementServer managementServer = null;
        WebServer webServer = null;
        try {
            mi = OpenSipsMi.start(loop, setup.runtimeDir().resolve(MI_SOCKET), setup.opensipsMiSocket(),
                    setup.dialogIdFormat(), DialogTerminator.Policy.DEFAULT, metrics);
            Dispatcher dispatcher = new Dispatcher(loop, clock,
                    new Dispatcher.Settings(new ReplyBudget(setup.opensipsTimeout()), setup.relayTimeout(),
                            setup.cleanupDeadRelaysAfter(), setup.cleanupExpiredSessionsAfter(), setup.loadPollInterval(),
                            setup.purgeInterval()),
                    new RelaySelector(new SecureRandom()), records, mi, metrics);
            Path stateFile = setup.runtimeDir().resolve(STATE_FILE);
            List<DispatcherSession> restored = SessionStateFile.load(stateFile);
            call(loop, () -> {
                dispatcher.start(restored);
                return null;
            });
            relayServer = RelayServer.start(loop, setup.listen(), setup.credentials(), setup.passport(),
                    setup.verifyInterval(), dispatcher, setup.relayTimeout(), setup.relayRecoverInterval());
            ManagementService management = new ManagementService(dispatcher::relays, setup.version());
            managementServer = ManagementServer.start(loop, setup.listenManagement(),
                    setup.managementUseTls() ? setup.credentials() : null, setup.managementPassport(),
                    setup.verifyInterval(), management);
            if (setup.listenMetrics().isPresent()) {
                // On the dispatcher's own loop, so the view reads the relays as the management service does.
                webServer = WebServer.start(loop, setup.listenMetrics().get(), new LiveDispatcherView(management, records),
                        metrics, setup.relayTimeout().plus(WEB_ANSWER_MARGIN));
            }
            OpenSipsServer openSipsServer = OpenSipsServer.start(loop, setup.socketPath(), dispatcher.requests(), metrics);
            SessionStateFile.delete(stateFile);
            return new MediaDispatcher(setup, group, loop, dispatcher, mi, relayServer, managementServer, webServer,
                    openSipsServer);
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (webServer != null) {
                webServer.shutdown();
            }
            if (managementServer != null) {
                managementServer.shutdown();
            }
            if (relayServer != null) {
                relayServer.stopListening();
            }
            if (mi != null) {
                mi.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
            throw e;
        }
    }

    public InetSocketAddress relayAddress() {
        return relayServer.localAddress();
    }

    public InetSocketAddress managementAddress() {
        return managementServer.localAddress();
    }

    public Path socketPath() {
        return openSipsServer.path();
    }

    /** Where metrics and the web page are served; empty when {@code listen_metrics} is off. */
    public Optional<InetSocketAddress> metricsAddress() {
        return Optional.ofNullable(webServer).map(WebServer::localAddress);
    }

    /** The IP addresses of the connected relays, read on the event loop. */
    public List<String> connectedRelays() throws InterruptedException {
        return call(loop, () -> dispatcher.relays().stream().map(relay -> relay.ip()).toList());
    }

    /** The sessions the dispatcher knows, read on its event loop. */
    public Collection<DispatcherSession> sessions() throws InterruptedException {
        return call(loop, dispatcher::sessions);
    }

    /**
     * Orderly stop: stops listening everywhere, lets OpenSIPS connections answer the requests
     * they already sent, closes all connections, saves the session table for the next run and
     * stops the event loop. Accounting is drained by the caller afterwards.
     */
    public void shutdown() throws InterruptedException {
        log.info("stopping: no new connections; finishing the OpenSIPS requests in progress");
        await(CompletableFuture.allOf(relayServer.stopListening(), managementServer.shutdown(),
                webServer != null ? webServer.shutdown() : CompletableFuture.completedFuture(null)));
        await(openSipsServer.shutdown());
        call(loop, () -> {
            dispatcher.shutdown();
            return null;
        });
        await(relayServer.closeConnections());
        Collection<DispatcherSession> sessions = sessions();
        Path stateFile = setup.runtimeDir().resolve(STATE_FILE);
        try {
            SessionStateFile.save(stateFile, sessions);
            log.info("saved {} sessions to {}", sessions.size(), stateFile);
        } catch (IOException e) {
            log.error("cannot save the session table to {}: {}", stateFile, e.getMessage());
        }
        await(mi.close());
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /** Waits for a shutdown step; a step that hangs must not keep the process alive. */
    private static void await(CompletableFuture<?> step) throws InterruptedException {
        try {
            step.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            log.warn("shutdown step failed: {}", e.getCause().toString());
        } catch (TimeoutException e) {
            log.warn("shutdown step did not finish within 5 s; continuing");
        }
    }

    private static <T> T call(EventLoop loop, Callable<T> task) throws InterruptedException {
        try {
            return loop.submit(task).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
