package org.mediaproxy.relay.testing;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.mediaproxy.common.tls.Passport;
import org.mediaproxy.common.tls.Role;
import org.mediaproxy.common.tls.TlsCredentials;
import org.mediaproxy.common.tls.TlsSamples;
import org.mediaproxy.relay.link.HostResolver;
import org.mediaproxy.relay.link.LinkEnvironment;
import org.mediaproxy.relay.link.LinkSettings;
import org.mediaproxy.relay.link.RelayCommands;
import org.mediaproxy.relay.link.RelayControl;

/**
 * Everything a test needs around dispatcher links: the sample TLS credentials, event loops, DNS and control threads, a resolver fed by the test, and test dispatchers.
 */
public final class LinkFixture implements AutoCloseable {

    /** The sample credentials in tls/: CN "MediaProxy relay" and "MediaProxy dispatcher", O "AG Projects". */
    public static final TlsCredentials RELAY = TlsCredentials.load(TlsSamples.directory(), Role.RELAY);
    public static final TlsCredentials DISPATCHER = TlsCredentials.load(TlsSamples.directory(), Role.DISPATCHER);

    public final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    public final ScheduledExecutorService dns = Executors.newSingleThreadScheduledExecutor();
    /** SRV answers by query name, for {@link #resolver()}. */
    public final Map<String, List<String>> srv = new ConcurrentHashMap<>();
    /** Host addresses by name, for {@link #resolver()}. */
    public final Map<String, String> hosts = new ConcurrentHashMap<>();
    private final List<AutoCloseable> closeables = new java.util.ArrayList<>();

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
        return new LinkEnvironment(group, RELAY, passport, Duration.ofSeconds(300),
                new LinkSettings(keepalive, reconnectDelay), resolver(), dns, control);
    }

    /** A dispatcher listener with the sample dispatcher credentials. */
    public TestDispatcher dispatcher(String host, int port) {
        TestDispatcher dispatcher = TestDispatcher.start(group, DISPATCHER.serverContext(), host, port);
        closeables.add(dispatcher);
        return dispatcher;
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
