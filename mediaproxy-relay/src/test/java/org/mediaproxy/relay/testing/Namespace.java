package org.mediaproxy.relay.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.mediaproxy.relay.forwarding.kernel.Netns;

/**
 * A named network namespace of a {@link NetnsFixture}, with a thread living inside it.
 * <p>
 * Code that opens sockets (UDP, netlink, libnftables) must run via {@link #call}/{@link #run}:
 * a socket belongs to the namespace of the thread that creates it, and threads started from
 * there (executors, watcher threads) inherit that namespace. Once opened, a socket can be used
 * from any thread. Commands run through {@link #exec} ({@code ip netns exec}).
 */
public final class Namespace implements AutoCloseable {

    /** A task that may throw anything: tests keep their checked exceptions. */
    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    private final String name;
    private final ExecutorService thread;

    Namespace(String name) {
        this.name = name;
        this.thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, "netns-" + name);
            t.setDaemon(true);
            return t;
        });
        // The first task creates the thread and moves it; everything later runs inside.
        call(() -> {
            Netns.enter(path());
            return null;
        });
    }

    public String name() {
        return name;
    }

    /** Where {@code ip netns} binds the namespace. */
    public Path path() {
        return Path.of("/run/netns", name);
    }

    public <T> T call(Callable<T> task) {
        try {
            return thread.submit(task).get(120, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("task in netns " + name + " failed", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("task in netns " + name + " timed out", e);
        }
    }

    public void run(Task task) {
        call(() -> {
            task.run();
            return null;
        });
    }

    /** A UDP socket bound inside this namespace (blocking mode). */
    public DatagramChannel udp(InetSocketAddress bind) {
        return call(() -> DatagramChannel.open(StandardProtocolFamily.INET).bind(bind));
    }

    /** The command line that runs {@code command} inside this namespace (for ProcessBuilder). */
    public List<String> command(String... command) {
        List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", name));
        line.addAll(List.of(command));
        return line;
    }

    /** Runs a command inside this namespace; returns its stdout, throws if it fails. */
    public String exec(String... command) {
        return NetnsFixture.execute(command(command));
    }

    public void sysctl(String key, String value) {
        exec("sysctl", "-q", "-w", key + "=" + value);
    }

    public String sysctl(String key) {
        return exec("sysctl", "-n", key).strip();
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String read(java.io.InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
