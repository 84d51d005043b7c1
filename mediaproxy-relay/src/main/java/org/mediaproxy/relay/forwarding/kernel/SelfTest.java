package org.mediaproxy.relay.forwarding.kernel;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Proves with real packets that a conntrack NAT entry is applied in the relay's network
 * namespace. An entry accepted by the kernel proves nothing: on recent kernels it is silently
 * ignored while the namespace's conntrack/NAT hooks are inactive, and a FORWARD policy of drop
 * or an unset ip_forward stop the packets it rewrites.
 * <p>
 * A throw-away namespace (owned by one thread, gone when that thread ends) plays caller and
 * callee, linked to the relay's namespace by a veth pair with two /30 subnets in 198.18.0.0/15
 * (benchmarking addresses nobody routes). The probe sends a datagram to the relay's caller-side
 * address and expects it back on its callee address from the relay's callee-side address, then
 * the same backwards, and the entry's counters must show both. Needs the {@code ip} command.
 */
final class SelfTest {

    private static final String RELAY_CALLER_SIDE = "198.19.255.249";
    private static final String PROBE_CALLER = "198.19.255.250";
    private static final String RELAY_CALLEE_SIDE = "198.19.255.253";
    private static final String PROBE_CALLEE = "198.19.255.254";
    /** Per attempt; several attempts because the first datagrams may go while the new link's
     *  neighbour resolution is still failing, and ARP retries only after a second. */
    private static final int WAIT_MILLIS = 300;
    private static final int ATTEMPTS = 8;

    private SelfTest() {
    }

    /** Runs in the calling thread's network namespace, with the ruleset installed. */
    static void run(ConntrackTable table) throws KernelUnavailableException {
        String relayLink = "mpxst" + ProcessHandle.current().pid() % 1_000_000;
        ExecutorService probe = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "kernel-self-test-probe");
            thread.setDaemon(true);
            return thread;
        });
        List<DatagramSocket> sockets = new ArrayList<>();
        try {
            int probeThread = inProbe(probe, () -> {
                Netns.unshare();
                return Netns.threadId();
            });
            quietly("ip", "link", "del", relayLink);
            ip("link", "add", relayLink, "type", "veth", "peer", "name", "probe", "netns", Integer.toString(probeThread));
            ip("addr", "add", RELAY_CALLER_SIDE + "/30", "dev", relayLink);
            ip("addr", "add", RELAY_CALLEE_SIDE + "/30", "dev", relayLink);
            ip("link", "set", relayLink, "up");
            inProbe(probe, () -> {
                ip("link", "set", "lo", "up");
                ip("addr", "add", PROBE_CALLER + "/30", "dev", "probe");
                ip("addr", "add", PROBE_CALLEE + "/30", "dev", "probe");
                ip("link", "set", "probe", "up");
                sockets.add(socket(PROBE_CALLER));
                sockets.add(socket(PROBE_CALLEE));
                return null;
            });
            DatagramSocket caller = sockets.get(0);
            DatagramSocket callee = sockets.get(1);
            int port = 20000 + 2 * ThreadLocalRandom.current().nextInt(5000);
            NatEntry entry = new NatEntry((InetSocketAddress) caller.getLocalSocketAddress(),
                    new InetSocketAddress(InetAddress.getByName(RELAY_CALLER_SIDE), port),
                    (InetSocketAddress) callee.getLocalSocketAddress(),
                    new InetSocketAddress(InetAddress.getByName(RELAY_CALLEE_SIDE), port + 2));
            table.deleteOriginal(entry.callerTuple());
            table.deleteOriginal(entry.calleeTuple());
            table.create(entry);
            try {
                exchange(caller, callee, entry.callerLocal(), entry.calleeLocal(), "to the callee");
                exchange(callee, caller, entry.calleeLocal(), entry.callerLocal(), "back to the caller");
                FlowCounters counters = table.counters(entry).orElseThrow(
                        () -> new KernelUnavailableException("kernel self-test: the NAT entry vanished"));
                if (counters.callerPackets() < 1 || counters.calleePackets() < 1) {
                    throw new KernelUnavailableException("kernel self-test: packets were forwarded but the entry's "
                            + "counters did not move (" + counters + ")");
                }
            } finally {
                table.delete(entry);
            }
        } catch (IOException e) {
            throw new KernelUnavailableException("kernel self-test could not run: " + e.getMessage(), e);
        } finally {
            sockets.forEach(DatagramSocket::close);
            quietly("ip", "link", "del", relayLink);
            probe.shutdownNow();
        }
    }

    private static void exchange(DatagramSocket from, DatagramSocket to, InetSocketAddress relayTarget,
                                 InetSocketAddress expectedSource, String direction)
            throws IOException, KernelUnavailableException {
        byte[] probe = ("mediaproxy kernel self-test " + direction).getBytes(StandardCharsets.US_ASCII);
        DatagramPacket received = new DatagramPacket(new byte[256], 256);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            from.send(new DatagramPacket(probe, probe.length, relayTarget));
            try {
                to.receive(received);
            } catch (SocketTimeoutException e) {
                continue;
            }
            byte[] payload = Arrays.copyOf(received.getData(), received.getLength());
            if (!expectedSource.equals(received.getSocketAddress()) || !Arrays.equals(probe, payload)) {
                throw new KernelUnavailableException("kernel self-test: the datagram sent " + direction
                        + " arrived from " + received.getSocketAddress() + " instead of "
                        + UdpTuple.format(expectedSource));
            }
            return;
        }
        throw new KernelUnavailableException("kernel self-test: a conntrack NAT entry was accepted but not applied: "
                + ATTEMPTS + " datagrams sent to " + UdpTuple.format(relayTarget) + " did not come out " + direction
                + " within " + ATTEMPTS * WAIT_MILLIS + " ms (conntrack/NAT hooks inactive, or forwarding blocked by "
                + "the firewall's FORWARD policy or rules)");
    }

    private static DatagramSocket socket(String address) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(address), 0));
        socket.setSoTimeout(WAIT_MILLIS);
        return socket;
    }

    private static <T> T inProbe(ExecutorService probe, Callable<T> task) throws KernelUnavailableException {
        try {
            return probe.submit(task).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof KernelUnavailableException reason) {
                throw reason;
            }
            throw new KernelUnavailableException("kernel self-test could not set up its probe namespace: "
                    + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KernelUnavailableException("kernel self-test interrupted", e);
        } catch (TimeoutException e) {
            throw new KernelUnavailableException("kernel self-test: probe namespace set-up timed out", e);
        }
    }

    /** Runs {@code ip} in the calling thread's network namespace (a child process inherits it). */
    private static void ip(String... arguments) throws KernelUnavailableException {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(arguments));
        String failure = execute(command);
        if (failure != null) {
            throw new KernelUnavailableException("kernel self-test could not set up its probe link: "
                    + String.join(" ", command) + ": " + failure);
        }
    }

    private static void quietly(String... command) {
        execute(List.of(command));
    }

    /** @return null on success, else what went wrong */
    private static String execute(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "timed out";
            }
            return process.exitValue() == 0 ? null : output;
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
