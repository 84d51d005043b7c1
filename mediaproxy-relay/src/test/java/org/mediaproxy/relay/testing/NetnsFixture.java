package org.mediaproxy.relay.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Three network namespaces wired like a relayed call (root only; CI runs as root):
 * <pre>
 *   caller 198.18.1.2/24 ──veth── 198.18.1.1/24  relay  198.18.2.1/24 ──veth── 198.18.2.2/24 callee
 *                                   (198.18.0.1/32 on lo: the relay's media address)
 * </pre>
 * The caller and callee route 198.18.0.0/15 through the relay, which has {@code ip_forward=1}.
 * Addresses match those of the original's captured call ({@code call1-conntrack.txt}).
 * <p>
 * Use it as a JUnit extension ({@code @RegisterExtension NetnsFixture net = new NetnsFixture();}
 * gives fresh namespaces per test, torn down after each test even when it fails) or on its own
 * ({@link #create()} / {@link #close()}), e.g. from a benchmark.
 * <p>
 * Code under test runs in-process on a thread that entered the relay namespace with
 * {@code setns} ({@link Namespace#call}), rather than in a child JVM under {@code ip netns exec}:
 * assertions, listeners and timings stay in one JVM, the library's threads inherit the namespace
 * from the thread that creates them, and nothing leaks into the host's namespace. Whole daemons
 * can still be started inside with {@link Namespace#command}.
 */
public final class NetnsFixture implements BeforeEachCallback, AfterEachCallback, AutoCloseable {

    public static final InetAddress CALLER_IP = ip("198.18.1.2");
    public static final InetAddress CALLEE_IP = ip("198.18.2.2");
    /** The relay's media address (on lo), reachable from both sides. */
    public static final InetAddress RELAY_IP = ip("198.18.0.1");
    public static final InetAddress RELAY_CALLER_SIDE_IP = ip("198.18.1.1");
    public static final InetAddress RELAY_CALLEE_SIDE_IP = ip("198.18.2.1");

    private static final String PREFIX = "mpt";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final List<Namespace> namespaces = new ArrayList<>();
    private Namespace caller;
    private Namespace relay;
    private Namespace callee;

    /** Builds the namespaces now, outside JUnit. */
    public static NetnsFixture create() {
        NetnsFixture fixture = new NetnsFixture();
        fixture.build();
        return fixture;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        build();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    public Namespace caller() {
        return caller;
    }

    public Namespace relay() {
        return relay;
    }

    public Namespace callee() {
        return callee;
    }

    public static InetSocketAddress address(InetAddress ip, int port) {
        return new InetSocketAddress(ip, port);
    }

    private void build() {
        if (!"0".equals(execute(List.of("id", "-u")).strip())) {
            throw new IllegalStateException("NetnsFixture needs root (network namespaces, veth, conntrack)");
        }
        removeLeftovers();
        String base = PREFIX + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet() + "-";
        try {
            caller = add(base + "caller");
            relay = add(base + "relay");
            callee = add(base + "callee");
            execute(List.of("ip", "-n", caller.name(), "link", "add", "eth0", "type", "veth",
                    "peer", "name", "to-caller", "netns", relay.name()));
            execute(List.of("ip", "-n", callee.name(), "link", "add", "eth0", "type", "veth",
                    "peer", "name", "to-callee", "netns", relay.name()));
            endpoint(caller, "198.18.1.2/24", "198.18.1.1");
            endpoint(callee, "198.18.2.2/24", "198.18.2.1");
            relay.exec("ip", "link", "set", "lo", "up");
            relay.exec("ip", "addr", "add", "198.18.0.1/32", "dev", "lo");
            relay.exec("ip", "addr", "add", "198.18.1.1/24", "dev", "to-caller");
            relay.exec("ip", "addr", "add", "198.18.2.1/24", "dev", "to-callee");
            relay.exec("ip", "link", "set", "to-caller", "up");
            relay.exec("ip", "link", "set", "to-callee", "up");
            relay.sysctl("net.ipv4.ip_forward", "1");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private Namespace add(String name) {
        execute(List.of("ip", "netns", "add", name));
        Namespace namespace = new Namespace(name);
        namespaces.add(namespace);
        return namespace;
    }

    private static void endpoint(Namespace ns, String cidr, String gateway) {
        ns.exec("ip", "link", "set", "lo", "up");
        ns.exec("ip", "addr", "add", cidr, "dev", "eth0");
        ns.exec("ip", "link", "set", "eth0", "up");
        ns.exec("ip", "route", "add", "198.18.0.0/15", "via", gateway);
    }

    /** Deletes every namespace and with it the veth pairs, conntrack entries and rules inside. */
    @Override
    public void close() {
        for (Namespace namespace : namespaces) {
            namespace.close();
            try {
                execute(List.of("ip", "netns", "del", namespace.name()));
            } catch (RuntimeException e) {
                System.err.println("NetnsFixture: " + e.getMessage());
            }
        }
        namespaces.clear();
    }

    /** Namespaces of earlier test JVMs that died before their teardown. */
    private static void removeLeftovers() {
        Path dir = Path.of("/run/netns");
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var names = Files.list(dir)) {
            names.map(path -> path.getFileName().toString())
                    .filter(name -> name.matches(PREFIX + "\\d+-\\d+-\\w+"))
                    .filter(name -> ProcessHandle.of(Long.parseLong(name.substring(PREFIX.length(), name.indexOf('-'))))
                            .isEmpty())
                    .forEach(name -> execute(List.of("ip", "netns", "del", name)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String execute(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).start();
            // Commands here print little, so reading one stream after the other cannot block.
            String stdout = Namespace.read(process.getInputStream());
            String stderr = Namespace.read(process.getErrorStream());
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + process.exitValue()
                        + ": " + stderr.strip());
            }
            return stdout;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
