package org.mediaproxy.relay.forwarding.kernel.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.mediaproxy.relay.forwarding.kernel.NftRuleset;
import org.mediaproxy.relay.testing.KernelRelayProcess;
import org.mediaproxy.relay.testing.Namespace;
import org.mediaproxy.relay.testing.NetnsFixture;

/**
 * Forwarding throughput of three paths, side by side in one run (root; not a test, run it with
 * {@code scripts/kernel-bench}). Each path has its own caller/relay/callee namespaces of a
 * {@link NetnsFixture}; the caller floods {@code STREAMS} UDP streams towards the callee with
 * {@code udp-flood} (sendmmsg; the forwarding work happens in the kernel on the sender's CPU):
 * <ol>
 * <li><b>plain</b>: routed straight to the callee, no rules, no conntrack: the physical limit;</li>
 * <li><b>conntrack CLI</b>: to the relay's ports, NAT entries made by the {@code conntrack}
 * command, the relay's ruleset loaded with {@code nft}, no daemon: the mechanism's limit;</li>
 * <li><b>kernel engine</b>: to the relay's ports of a {@link KernelRelayProcess} running
 * {@code KernelForwardingEngine}, which latched each stream from its first packets and installed
 * the entries itself. Its CPU use while the media flows is measured.</li>
 * </ol>
 * For each offered rate the three paths run back to back (in rotating order), so load from
 * elsewhere on the machine hits them alike. A path's limit is the best rate it delivered with
 * under 0.1 % loss. Arguments: streams (default 100), seconds per run (default 3), offered rates
 * in packets/s (comma-separated, 0 = as fast as possible, repeat it to even out a noisy machine;
 * default 50000,100000,150000,200000,0,0,0).
 * System property {@code udpFlood}: the traffic tool's binary.
 */
public final class KernelBench {

    static final int PAYLOAD = 172;
    static final int CALLER_PORT = 10000;
    static final int RELAY_PORT = KernelRelayProcess.FIRST_PORT;
    static final int CALLEE_PORT = 20000;
    static final double LOSS_LIMIT = 0.001;

    private final String flood;
    private final int streams;
    private final double seconds;

    private KernelBench(String flood, int streams, double seconds) {
        this.flood = flood;
        this.streams = streams;
        this.seconds = seconds;
    }

    record Run(long sent, long received, double relayCpu) {
        double deliveredPerSecond(double seconds) {
            return received / seconds;
        }

        double loss() {
            return sent == 0 ? 0 : Math.max(0, (double) (sent - received) / sent);
        }
    }

    public static void main(String[] args) throws Exception {
        int streams = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        List<Long> rates = new ArrayList<>();
        for (String rate : (args.length > 2 ? args[2] : "50000,100000,150000,200000,0,0,0").split(",")) {
            rates.add(Long.parseLong(rate.strip()));
        }
        String flood = required("udpFlood");
        new KernelBench(flood, streams, seconds).run(rates);
    }

    private void run(List<Long> rates) throws Exception {
        try (NetnsFixture plain = NetnsFixture.create();
             NetnsFixture cli = NetnsFixture.create();
             NetnsFixture engine = NetnsFixture.create()) {
            System.out.println("nftables flowtable fast path: " + flowtable(cli.relay()));
            setUpConntrackCli(cli.relay());
            Process relay = startRelay(engine.relay());
            try {
                prime(engine);
                Map<String, List<Run>> results = new LinkedHashMap<>();
                System.out.printf(Locale.ROOT, "%d streams of %d-byte datagrams, %.0f s per run%n", streams, PAYLOAD, seconds);
                System.out.printf(Locale.ROOT, "%-10s | %-28s | %-28s | %-40s%n", "offered/s",
                        "plain forwarding", "conntrack CLI entries", "kernel engine (relay CPU)");
                for (int step = 0; step < rates.size(); step++) {
                    long rate = rates.get(step);
                    // The order rotates from step to step, so no path always runs first or last.
                    Run[] runs = new Run[3];
                    for (int i = 0; i < 3; i++) {
                        int path = (step + i) % 3;
                        runs[path] = switch (path) {
                            case 0 -> flood(plain, rate, false);
                            case 1 -> flood(cli, rate, true);
                            default -> measured(relay, () -> flood(engine, rate, true));
                        };
                    }
                    Run a = runs[0];
                    Run b = runs[1];
                    Run c = runs[2];
                    results.computeIfAbsent("plain", k -> new ArrayList<>()).add(a);
                    results.computeIfAbsent("cli", k -> new ArrayList<>()).add(b);
                    results.computeIfAbsent("engine", k -> new ArrayList<>()).add(c);
                    System.out.printf(Locale.ROOT, "%-10s | %-28s | %-28s | %-28s %5.1f %%%n",
                            rate == 0 ? "max" : String.format(Locale.ROOT, "%,d", rate),
                            describe(a), describe(b), describe(c), 100 * c.relayCpu());
                }
                summary(results);
            } finally {
                try (OutputStream stdin = relay.getOutputStream()) {
                    stdin.write('\n');
                }
                relay.waitFor(20, TimeUnit.SECONDS);
                relay.destroy();
            }
        }
    }

    private void summary(Map<String, List<Run>> results) {
        double plain = limit(results.get("plain"));
        double cli = limit(results.get("cli"));
        double engine = limit(results.get("engine"));
        double cpu = results.get("engine").stream().mapToDouble(Run::relayCpu).max().orElse(0);
        System.out.printf(Locale.ROOT, "best rate delivered with < %.1f %% loss: plain %,.0f/s, conntrack CLI %,.0f/s, "
                + "kernel engine %,.0f/s%n", 100 * LOSS_LIMIT, plain, cli, engine);
        System.out.printf(Locale.ROOT, "kernel engine / conntrack CLI = %.3f (goal >= 0.95); kernel engine / plain = %.3f; "
                + "conntrack CLI / plain = %.3f%n", engine / cli, engine / plain, cli / plain);
        System.out.printf(Locale.ROOT, "relay process CPU while the kernel forwarded: at most %.1f %% of one core%n", 100 * cpu);
    }

    private double limit(List<Run> runs) {
        return runs.stream().filter(run -> run.loss() < LOSS_LIMIT)
                .mapToDouble(run -> run.deliveredPerSecond(seconds)).max().orElse(0);
    }

    private String describe(Run run) {
        return String.format(Locale.ROOT, "%,9.0f/s loss %6.3f %%", run.deliveredPerSecond(seconds), 100 * run.loss());
    }

    /** The relay's own ruleset loaded with {@code nft}, one NAT entry per stream made by {@code conntrack -I}. */
    private void setUpConntrackCli(Namespace relay) throws Exception {
        relay.sysctl("net.netfilter.nf_conntrack_acct", "1");
        run(relay.command("nft", "-f", "-"), NftRuleset.definition("mediaproxy"));
        for (int stream = 0; stream < streams; stream++) {
            int relayPort = RELAY_PORT + 4 * stream;
            relay.exec("conntrack", "-I", "-p", "udp", "-s", "198.18.1.2", "-d", "198.18.0.1",
                    "--sport", Integer.toString(CALLER_PORT + stream), "--dport", Integer.toString(relayPort),
                    "--dst-nat", "198.18.2.2:" + CALLEE_PORT, "--src-nat", "198.18.0.1:" + (relayPort + 2),
                    "-t", "3600", "-u", "SEEN_REPLY,ASSURED");
        }
    }

    /** Whether the kernel accepts an nftables flowtable here, and if not, what {@code nft} said. */
    private static String flowtable(Namespace relay) throws Exception {
        try {
            run(relay.command("nft", "-f", "-"), "table ip flowtableprobe {\n"
                    + "  flowtable probe { hook ingress priority 0; devices = { to-caller, to-callee }; }\n}\n");
            relay.exec("nft", "delete", "table", "ip", "flowtableprobe");
            return "available (not used by the relay)";
        } catch (IllegalStateException e) {
            return "NOT available on this kernel (CONFIG_NF_FLOW_TABLE unset?): "
                    + e.getMessage().lines().filter(line -> line.contains("Error")).findFirst().orElse(e.getMessage());
        }
    }

    private Process startRelay(Namespace relay) throws IOException {
        List<String> command = new ArrayList<>(relay.command(KernelRelayProcess.command().toArray(String[]::new)));
        command.add(Integer.toString(streams));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String line = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (!"ready".equals(line)) {
            process.destroy();
            throw new IllegalStateException("relay process did not start: " + line);
        }
        return process;
    }

    /**
     * Both parties send a first media packet on every stream (the callee from its one port, the
     * caller from its per-stream ports), so the engine latches them and installs the entries.
     */
    private void prime(NetnsFixture engine) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (installed(engine.relay()) < streams) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the engine installed only " + installed(engine.relay()) + " entries");
            }
            engine.caller().exec(flood, "send", "198.18.1.2", Integer.toString(CALLER_PORT), "1", "198.18.0.1",
                    Integer.toString(RELAY_PORT), "4", Integer.toString(streams), "2000", "0.2", Integer.toString(PAYLOAD));
            engine.callee().exec(flood, "send", "198.18.2.2", Integer.toString(CALLEE_PORT), "0", "198.18.0.1",
                    Integer.toString(RELAY_PORT + 2), "4", Integer.toString(streams), "2000", "0.2", Integer.toString(PAYLOAD));
        }
    }

    private static long installed(Namespace relay) {
        return relay.exec("conntrack", "-L", "-p", "udp").lines().filter(line -> line.contains("mark=28016")).count();
    }

    private Run flood(NetnsFixture path, long rate, boolean viaRelay) throws Exception {
        Process sink = new ProcessBuilder(path.callee().command(flood, "sink", "198.18.2.2",
                Integer.toString(CALLEE_PORT), Double.toString(seconds + 5))).start();
        BufferedReader sinkOut = new BufferedReader(new InputStreamReader(sink.getInputStream(), StandardCharsets.UTF_8));
        if (!"ready".equals(sinkOut.readLine())) {
            throw new IllegalStateException("sink did not start");
        }
        String target = viaRelay ? "198.18.0.1" : "198.18.2.2";
        int targetPort = viaRelay ? RELAY_PORT : CALLEE_PORT;
        String sent = path.caller().exec(flood, "send", "198.18.1.2", Integer.toString(CALLER_PORT), "1", target,
                Integer.toString(targetPort), viaRelay ? "4" : "0", Integer.toString(streams), Long.toString(rate),
                Double.toString(seconds), Integer.toString(PAYLOAD));
        String received = sinkOut.readLine();
        sink.waitFor(10, TimeUnit.SECONDS);
        return new Run(count(sent, "sent"), count(received, "received"), 0);
    }

    @FunctionalInterface
    private interface Measurement {
        Run run() throws Exception;
    }

    /** Runs {@code measurement} and adds the CPU share the relay process used meanwhile. */
    private static Run measured(Process relay, Measurement measurement) throws Exception {
        long before = cpuTicks(relay);
        long start = System.nanoTime();
        Run run = measurement.run();
        double elapsed = (System.nanoTime() - start) / 1e9;
        double cpu = (cpuTicks(relay) - before) / 100.0 / elapsed;
        return new Run(run.sent(), run.received(), cpu);
    }

    /**
     * User + system time of the relay JVM in clock ticks (100/s). {@code ip netns exec} execs the
     * command, so the process started is the JVM itself.
     */
    private static long cpuTicks(Process relay) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(relay.pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static long count(String output, String word) {
        for (String line : output == null ? List.<String>of() : output.lines().toList()) {
            if (line.startsWith(word + " ")) {
                return Long.parseLong(line.substring(word.length() + 1).strip());
            }
        }
        throw new IllegalStateException("no '" + word + "' in: " + output);
    }

    private static void run(List<String> command, String stdin) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalArgumentException("system property " + property + " is not set (use scripts/kernel-bench)");
        }
        return value;
    }
}
