package org.mediaproxy.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code bin/bench}: the same RTP load through rtpengine (user space), our relay's userspace
 * engine and a minimal C relay, back to back in one run, each measured twice in alternating order
 * (A B C C B A) so slow drifts of a shared machine hit every relay alike. The figure that counts is
 * the relay process's CPU time per forwarded packet; the table gives it as a ratio to rtpengine's,
 * because absolute times on a noisy machine mean little.
 */
public final class Bench {

    /** The relays, as named by {@code --relays}. */
    private static final List<String> RELAYS = List.of("rtpengine", "mediaproxy", "c");

    private final PrintStream out = System.out;
    private final Options options;
    private final Path workDir;
    private final Path checkout;
    private int mediaproxyRuns;

    /** Command-line knobs; defaults keep the whole run within about two minutes. */
    record Options(int streams, int warmupSeconds, int seconds, int rounds, int threads, List<String> relays,
            Optional<Path> jfr) {

        static Options parse(String[] args) {
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (i + 1 >= args.length || !args[i].startsWith("--")) {
                    throw new IllegalArgumentException(usage());
                }
                values.put(args[i].substring(2), args[++i]);
            }
            Options options = new Options(
                    Integer.parseInt(values.getOrDefault("streams", "200")),
                    Integer.parseInt(values.getOrDefault("warmup", "4")),
                    Integer.parseInt(values.getOrDefault("seconds", "10")),
                    Integer.parseInt(values.getOrDefault("rounds", "2")),
                    Integer.parseInt(values.getOrDefault("threads", Integer.toString(Runtime.getRuntime().availableProcessors()))),
                    List.of(values.getOrDefault("relays", String.join(",", RELAYS)).split(",")),
                    Optional.ofNullable(values.get("jfr")).map(Path::of));
            values.keySet().removeAll(List.of("streams", "warmup", "seconds", "rounds", "threads", "relays", "jfr"));
            if (!values.isEmpty() || options.streams < 1 || options.streams > 1000 || options.seconds < 1
                    || options.warmupSeconds < 1 || options.rounds < 1 || options.threads < 1
                    || !RELAYS.containsAll(options.relays)) {
                throw new IllegalArgumentException(usage());
            }
            return options;
        }

        static String usage() {
            return """
                    usage: bin/bench [--streams N] [--seconds S] [--warmup S] [--rounds R] [--threads T] [--relays LIST]
                                     [--jfr FILE]
                      --streams  concurrent calls, each 50 RTP packets/s both ways (default 200, at most 1000)
                      --seconds  measured window per run (default 10)
                      --warmup   traffic before the window: latching, JIT (default 4; shorter leaves our
                                 relay's JIT compilation inside the window)
                      --rounds   runs per relay, order alternating (default 2)
                      --threads  worker threads of rtpengine and of our engine (default: the machine's cores)
                      --relays   comma list of rtpengine, mediaproxy, c (default all three)
                      --jfr      record our relay with Java Flight Recorder (profile settings) into FILE (the
                                 last run's); profiling perturbs its figures: use it to find hot spots only""";
        }
    }

    private Bench(Options options, Path workDir, Path checkout) {
        this.options = options;
        this.workDir = workDir;
        this.checkout = checkout;
    }

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println(Options.usage());
            return;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Path workDir = Files.createTempDirectory("mediaproxy-bench-");
        // Interrupted (Ctrl-C, TERM): the relays under test must not outlive the bench.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().children().forEach(ProcessHandle::destroy)));
        try {
            new Bench(options, workDir,
                    Path.of(System.getProperty("mediaproxy.checkout", ".")).toAbsolutePath().normalize()).run();
            deleteTree(workDir);
        } catch (IOException | IllegalStateException e) {
            System.err.println("\nBENCH FAILED: " + e.getMessage());
            System.err.println("Logs are in " + workDir);
            System.exit(1);
        }
    }

    private void run() throws IOException, InterruptedException {
        out.printf("Machine: %d cores, load average %s, kernel %s; JVM %s%n", Runtime.getRuntime().availableProcessors(),
                Files.readString(Path.of("/proc/loadavg")).strip().replaceFirst(" \\S+ \\S+$", ""),
                System.getProperty("os.version"), Runtime.version());
        out.printf("rtpengine %s; load: %d streams x 2 directions x 50 packets/s of %d bytes, %d s warm-up + %d s "
                + "measured per run, %d runs per relay, %d worker threads%n%n", Rtpengine.version(), options.streams,
                LoadGenerator.PACKET_SIZE, options.warmupSeconds, options.seconds, options.rounds, options.threads);
        Path cRelay = options.relays.contains("c") ? CRelay.compile(workDir) : null;

        Map<String, List<LoadGenerator.Result>> results = new LinkedHashMap<>();
        out.println(header("relay", "run"));
        for (int round = 0; round < options.rounds; round++) {
            List<String> order = new ArrayList<>(options.relays);
            if (round % 2 == 1) {
                Collections.reverse(order);
            }
            for (String kind : order) {
                LoadGenerator.Result result = measure(kind, cRelay);
                results.computeIfAbsent(kind, k -> new ArrayList<>()).add(result);
                out.println(row(label(kind), Integer.toString(round + 1), result));
            }
        }
        summary(results);
    }

    private LoadGenerator.Result measure(String kind, Path cRelay) throws IOException, InterruptedException {
        try (LoadGenerator generator = new LoadGenerator("127.0.0.1", options.streams);
                RelayUnderTest relay = start(kind, cRelay)) {
            List<StreamRoute> routes = new ArrayList<>();
            for (int i = 0; i < options.streams; i++) {
                routes.add(relay.open(i, generator.caller(i), generator.callee(i)));
            }
            LoadGenerator.Result result = generator.run(routes, ticks(options.warmupSeconds), ticks(options.seconds), 300,
                    () -> ProcessCpu.nanos(relay.pid()));
            relay.checkAlive();
            return result;
        }
    }

    private RelayUnderTest start(String kind, Path cRelay) throws IOException, InterruptedException {
        Path logDir = workDir.resolve("logs");
        return switch (kind) {
            case "rtpengine" -> Rtpengine.start(options.streams, options.threads, logDir);
            case "mediaproxy" -> MediaProxyRelay.start(checkout, workDir.resolve("mediaproxy-" + ++mediaproxyRuns),
                    options.streams, relayJavaOptions());
            case "c" -> CRelay.start(cRelay, options.streams, logDir);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /**
     * The relay sizes its engine by the cores the JVM sees; a different {@code --threads} is given to it
     * that way. A flight recording, if asked for, is written when the relay stops.
     */
    private List<String> relayJavaOptions() {
        List<String> javaOptions = new ArrayList<>();
        if (options.threads != Runtime.getRuntime().availableProcessors()) {
            javaOptions.add("-XX:ActiveProcessorCount=" + options.threads);
        }
        options.jfr.ifPresent(file -> javaOptions.add("-XX:StartFlightRecording=settings=profile,filename="
                + file.toAbsolutePath()));
        return javaOptions;
    }

    private static int ticks(int seconds) {
        return (int) (seconds * 1_000_000_000L / LoadGenerator.TICK_NANOS);
    }

    private static String label(String kind) {
        return kind.equals("c") ? "C relay" : kind;
    }

    private void summary(Map<String, List<LoadGenerator.Result>> results) {
        Map<String, Double> cost = new LinkedHashMap<>();
        results.forEach((kind, runs) -> cost.put(kind, pooledMicros(runs)));
        out.println();
        out.println("All runs pooled (CPU time summed over runs / packets summed over runs); ratio < 1 means cheaper:");
        out.printf("%-12s %8s %11s %8s %11s %13s %13s%n", "relay", "streams", "fwd pkt/s", "loss %", "CPU us/pkt",
                "vs rtpengine", "vs C relay");
        for (Map.Entry<String, List<LoadGenerator.Result>> entry : results.entrySet()) {
            List<LoadGenerator.Result> runs = entry.getValue();
            double micros = cost.get(entry.getKey());
            out.printf(Locale.ROOT, "%-12s %8d %11.0f %8.3f %11.2f %13s %13s%n", label(entry.getKey()), options.streams,
                    runs.stream().mapToDouble(LoadGenerator.Result::forwardedPerSecond).average().orElse(0),
                    runs.stream().mapToDouble(r -> (r.lossPercent(0) + r.lossPercent(1)) / 2).max().orElse(0),
                    micros, ratio(micros, cost.get("rtpengine")), ratio(micros, cost.get("c")));
        }
        double generator = results.values().stream().flatMap(List::stream)
                .mapToDouble(LoadGenerator.Result::generatorMicrosPerPacket).average().orElse(Double.NaN);
        out.printf(Locale.ROOT, "%nLoad generator's own cost: %.2f us of CPU per forwarded packet (2 threads)."
                + " Loss is the worst run's, both directions averaged.%n", generator);
    }

    private static double pooledMicros(List<LoadGenerator.Result> runs) {
        long cpu = runs.stream().mapToLong(LoadGenerator.Result::relayCpuNanos).sum();
        long packets = runs.stream().mapToLong(LoadGenerator.Result::forwarded).sum();
        return packets == 0 ? Double.NaN : cpu / 1000.0 / packets;
    }

    private static String ratio(double micros, Double reference) {
        return reference == null || reference.isNaN() ? "-" : String.format(Locale.ROOT, "%.2f", micros / reference);
    }

    private static String header(String relay, String run) {
        return String.format("%-12s %4s %8s %11s %8s %8s %9s %11s %11s", relay, run, "streams", "fwd pkt/s",
                "loss A>B", "loss B>A", "wrong", "CPU us/pkt", "gen us/pkt");
    }

    private static String row(String relay, String run, LoadGenerator.Result r) {
        return String.format(Locale.ROOT, "%-12s %4s %8d %11.0f %7.3f%% %7.3f%% %9d %11.2f %11.2f", relay, run, r.streams(),
                r.forwardedPerSecond(), r.lossPercent(0), r.lossPercent(1), r.misrouted() + r.sendFailures(),
                r.relayMicrosPerPacket(), r.generatorMicrosPerPacket());
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
