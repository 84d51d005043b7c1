package org.mediaproxy.dispatcher;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.mediaproxy.common.json.PythonJson;
import org.mediaproxy.common.tls.Role;
import org.mediaproxy.common.tls.TlsCredentials;

/**
 * Real dispatchers with real sockets and real TLS, driven by an OpenSIPS-protocol client over the
 * UNIX socket and by test relays connecting from distinct loopback addresses.
 */
abstract class EndToEndBase {

    static final Duration WAIT = Duration.ofSeconds(5);
    static final String RELAY_A = "127.0.0.2";
    static final String RELAY_B = "127.0.0.3";

    /** The repository's sample credentials (tests run in the module directory). */
    static final Path SAMPLE_TLS = Path.of("..", "tls");

    static TlsCredentials dispatcherCredentials;
    static TlsCredentials relayCredentials;
    static TlsCredentials managementCredentials;
    static MultiThreadIoEventLoopGroup relayGroup;

    @TempDir
    Path runtime;

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    @BeforeAll
    static void createPkiAndRelayLoop() throws Exception {
        dispatcherCredentials = TlsCredentials.load(SAMPLE_TLS, Role.DISPATCHER);
        relayCredentials = TlsCredentials.load(SAMPLE_TLS, Role.RELAY);
        managementCredentials = TlsCredentials.load(SAMPLE_TLS, Role.MANAGEMENT_CLIENT);
        relayGroup = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        // Load the JSON classes now: on a busy machine their first use takes a good part of a
        // 500 ms reply budget, which would make the timing tests measure class loading.
        PythonJson.write(PythonJson.parse("{\"warm\": [1.5, null, true]}"));
    }

    @AfterAll
    static void stopRelayLoop() {
        relayGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @AfterEach
    void closeResources() throws Exception {
        while (!resources.isEmpty()) {
            resources.pop().close();
        }
    }

    <T extends AutoCloseable> T closeLater(T resource) {
        resources.push(resource);
        return resource;
    }

    TestDispatcher dispatcher(Consumer<TestDispatcher.Builder> settings) throws Exception {
        TestDispatcher.Builder builder = TestDispatcher.builder(runtime, dispatcherCredentials);
        settings.accept(builder);
        return closeLater(builder.start());
    }

    TestDispatcher dispatcher() throws Exception {
        return dispatcher(builder -> { });
    }

    /** A relay connected and registered (the dispatcher sent it {@code sessions}). */
    TestRelay relay(TestDispatcher dispatcher, String ip, TestRelay.Behaviour behaviour) throws Exception {
        TestRelay relay = closeLater(TestRelay.connect(relayGroup, ip, dispatcher.relayAddress(),
                relayCredentials.clientContext(), behaviour));
        relay.awaitCommand("sessions", WAIT);
        return relay;
    }

    ManagementTestClient management(TestDispatcher dispatcher) throws Exception {
        return closeLater(ManagementTestClient.connect(relayGroup, dispatcher.managementAddress(),
                managementCredentials.clientContext()));
    }

    OpenSipsTestClient opensips(TestDispatcher dispatcher) throws Exception {
        return closeLater(OpenSipsTestClient.connect(dispatcher.socket()));
    }

    static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT + ": " + what);
            }
            Thread.sleep(10);
        }
    }
}
