package org.mediaproxy.relay.testing;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.mediaproxy.common.tls.Passport;
import org.mediaproxy.relay.link.HostResolver;
import org.mediaproxy.relay.link.LinkEnvironment;
import org.mediaproxy.relay.link.LinkSettings;
import org.mediaproxy.relay.link.RelayCommands;
import org.mediaproxy.relay.link.RelayControl;

/**
 * Everything a test needs around dispatcher links: a CA with dispatcher and relay identities,
 * event loops, DNS and control threads, a resolver fed by the test, and test dispatchers.
 */
public final class LinkFixture implements AutoCloseable {

    public static final String DISPATCHER_SUBJECT = "CN=MediaProxy dispatcher,OU=MediaProxy,O=AG Projects";
    public static final String RELAY_SUBJECT = "CN=MediaProxy relay,OU=MediaProxy,O=AG Projects";

    private static final TestPki PKI = TestPki.create();
    private static final TestPki.Identity DISPATCHER = PKI.issue(DISPATCHER_SUBJECT);
    private static final TestPki.Identity RELAY = PKI.issue(RELAY_SUBJECT);

    public final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    public final ScheduledExecutorService dns = Executors.newSingleThreadScheduledExecutor();
    /** SRV answers by query name, for {@link #resolver()}. */
    public final Map<String, List<String>> srv = new ConcurrentHashMap<>();
    /** Host addresses by name, for {@link #resolver()}. */
    public final Map<String, String> hosts = new ConcurrentHashMap<>();
    private final List<AutoCloseable> closeables = new java.util.ArrayList<>();

    public static TestPki pki() {
        return PKI;
    }

    public static TestPki.Identity relayIdentity() {
        return RELAY;
    }

    public static TestPki.Identity dispatcherIdentity() {
        return DISPATCHER;
    }

    /** A resolver answering from {@link #srv} and {@link #hosts}; anything else does not exist. */
    public HostResolver resolver() {
        return new HostResolver() {
            @Override
            public List<String> srvTargets(String name) {
                return srv.getOrDefault(name, List.of());
            }

            @Override
            public InetAddress address(String host) throws UnknownHostException {
                String address = hosts.get(host);
                if (address == null) {
                    throw new UnknownHostException(host);
                }
                return InetAddress.getByName(address);
            }
        };
    }

    public RelayControl control(RelayCommands commands) {
        RelayControl control = new RelayControl(commands);
        closeables.add(control);
        return control;
    }

    public LinkEnvironment environment(RelayControl control, Passport passport, Duration keepalive, Duration reconnectDelay) {
        SslContext tls;
        try {
            tls = PKI.clientContext(RELAY);
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
        return new LinkEnvironment(group, () -> tls, passport, new LinkSettings(keepalive, reconnectDelay),
                resolver(), dns, control);
    }

    public TestDispatcher dispatcher(String host, int port) {
        return dispatcher(host, port, DISPATCHER);
    }

    public TestDispatcher dispatcher(String host, int port, TestPki.Identity identity) {
        try {
            TestDispatcher dispatcher = TestDispatcher.start(group, PKI.serverContext(identity), host, port);
            closeables.add(dispatcher);
            return dispatcher;
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
        dns.shutdownNow();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
