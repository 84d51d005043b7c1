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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running dispatcher: the {@link Dispatcher} and its four sockets (OpenSIPS, relays,
 * management, OpenSIPS MI) on one event loop thread, so that the dispatcher's state needs no
 * locks. {@link #shutdown()} performs the orderly stop the signals ask for.
 */
public final class MediaDispatcher {

    private static final Logger log = LoggerFactory.getLogger(MediaDispatcher.class);

    /** The saved session table, in the runtime directory. */
    public static final String STATE_FILE = "dispatcher_state";
    /** This side of the OpenSIPS MI link, in the runtime directory. */
    public static final String MI_SOCKET = "opensips.sock";

    /**
     * Everything the dispatcher needs, already resolved from the configuration.
     *
     * @param socketPath       OpenSIPS socket, already resolved against the runtime directory
     * @param credentials      the dispatcher's TLS credentials (relays, and management with TLS)
     * @param verifyInterval   {@code [TLS] verify_interval}
     * @param loadPollInterval how often relays are asked for their load ({@link Dispatcher#LOAD_POLL_INTERVAL})
     * @param purgeInterval    how often expired sessions are purged ({@link Dispatcher#PURGE_INTERVAL})
     */
    public record Setup(Path runtimeDir, Path socketPath, InetSocketAddress listen, InetSocketAddress listenManagement,
            TlsCredentials credentials, Duration verifyInterval, Passport passport, boolean managementUseTls,
            Passport managementPassport, Duration opensipsTimeout, Duration relayTimeout, Duration relayRecoverInterval,
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
    private final OpenSipsServer openSipsServer;

    private MediaDispatcher(Setup setup, MultiThreadIoEventLoopGroup group, EventLoop loop, Dispatcher dispatcher, OpenSipsMi mi,
            RelayServer relayServer, ManagementServer managementServer, OpenSipsServer openSipsServer) {
        this.setup = setup;
        this.group = group;
        this.loop = loop;
        this.dispatcher = dispatcher;
        this.mi = mi;
        this.relayServer = relayServer;
        this.managementServer = managementServer;
        this.openSipsServer = openSipsServer;
    }

    /**
     * Restores the session table saved by a previous run, binds every socket and starts serving.
     *
     * @throws IOException when a socket cannot be bound (nothing is left running then)
     */
    public static MediaDispatcher start(Setup setup, RecordSink records, Clock clock) throws IOException, InterruptedException {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        EventLoop loop = group.next();
        OpenSipsMi mi = null;
        RelayServer relayServer = null;
        ManagementServer managementServer = null;
        try {
            mi = OpenSipsMi.start(loop, setup.runtimeDir().resolve(MI_SOCKET), setup.opensipsMiSocket(),
                    setup.dialogIdFormat(), DialogTerminator.Policy.DEFAULT);
            Dispatcher dispatcher = new Dispatcher(loop, clock,
                    new Dispatcher.Settings(new ReplyBudget(setup.opensipsTimeout()), setup.relayTimeout(),
                            setup.cleanupDeadRelaysAfter(), setup.cleanupExpiredSessionsAfter(), setup.loadPollInterval(),
                            setup.purgeInterval()),
                    new RelaySelector(new SecureRandom()), records, mi);
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
            OpenSipsServer openSipsServer = OpenSipsServer.start(loop, setup.socketPath(), dispatcher.requests());
            SessionStateFile.delete(stateFile);
            return new MediaDispatcher(setup, group, loop, dispatcher, mi, relayServer, managementServer, openSipsServer);
        } catch (IOException | InterruptedException | RuntimeException e) {
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
        await(CompletableFuture.allOf(relayServer.stopListening(), managementServer.shutdown()));
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
