package org.mediaproxy.relay.session;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import com.fasterxml.jackson.databind.JsonNode;
import org.mediaproxy.common.json.PythonJson;
import org.mediaproxy.common.testing.MutableClock;
import org.mediaproxy.relay.forwarding.ForwardingEngine;
import org.mediaproxy.relay.forwarding.userspace.UserspaceEngine;

/**
 * A session manager on 127.0.0.1 with the real userspace engine, a manual clock and scheduler,
 * and a small port range at a random base (tests of other modules may run at the same time).
 */
public final class RelayHarness implements AutoCloseable {

    public static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    public static final String DISPATCHER = "198.18.0.1:25060";
    /**
     * Test port ranges start at a random even port above this one and stay below the kernel's
     * ephemeral range (32768 and up), where the tests' own endpoint sockets land.
     */
    public static final int TEST_PORTS_BASE = 20000;

    /** Settings knobs for one test; defaults are the relay's defaults where that makes sense. */
    public static final class Options {
        public int pairs = 20;
        public Optional<InetAddress> advertisedIp = Optional.empty();
        public InetAddress relayIp = LOOPBACK;
        public boolean autoDetect;
        public Duration streamTimeout = Duration.ofSeconds(90);
        public Duration onHoldTimeout = Duration.ofSeconds(7200);
        public Duration samplingPeriod = Duration.ofSeconds(15);
        public int transmitEvery = 1;
        public List<Cidr> routable = List.of(Cidr.parse("127.0.0.0/8"));
        public long descriptorLimit = 20_000;
        public Supplier<ForwardingEngine> engine = () -> new UserspaceEngine(1);
        /** Even first port of the range; 0 picks a random one. */
        public int portBase;
        public Instant start = Instant.parse("2026-11-25T10:00:00.25Z");
    }

    public final MutableClock clock;
    public final ManualScheduler timers;
    public final RecordingListener listener = new RecordingListener();
    public final int portBase;
    public final RelaySettings settings;
    public final SessionManager manager;
    private final ForwardingEngine engine;

    public RelayHarness() {
        this(new Options());
    }

    public RelayHarness(Options options) {
        clock = new MutableClock(options.start);
        timers = new ManualScheduler(clock);
        portBase = options.portBase != 0 ? options.portBase : freePortRange(2 * options.pairs);
        settings = new RelaySettings(options.relayIp, options.advertisedIp, options.autoDetect, portBase,
                portBase + 2 * options.pairs, options.streamTimeout, options.onHoldTimeout, options.samplingPeriod,
                options.transmitEvery, options.routable, "4.1.2");
        engine = options.engine.get();
        manager = new SessionManager(settings, engine, clock, timers, listener, options.descriptorLimit);
    }

    /**
     * A random even port from which {@code size} ports are currently free on 127.0.0.1, below the
     * ephemeral range. Other test suites on the machine bind ports too, so the range is probed.
     */
    public static int freePortRange(int size) {
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = TEST_PORTS_BASE + 2 * ThreadLocalRandom.current().nextInt(0, (32768 - TEST_PORTS_BASE - size) / 2);
            if (allFree(base, size)) {
                return base;
            }
        }
        throw new IllegalStateException("no free range of " + size + " ports found");
    }

    private static boolean allFree(int base, int size) {
        for (int port = base; port < base + size; port++) {
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(LOOPBACK, port))) {
                probe.getLocalPort();
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    public String execute(String command, Map<String, String> headers) {
        return manager.execute(command, headers, DISPATCHER);
    }

    public JsonNode sessions() {
        return PythonJson.parse(execute("sessions", Map.of()));
    }

    public JsonNode summary() {
        return PythonJson.parse(execute("summary", Map.of()));
    }

    /** The only live session's first stream entry. */
    public JsonNode stream(int index) {
        return sessions().get(0).get("streams").get(index);
    }

    /** Waits (real time) until {@code condition} holds, running due timer events meanwhile. */
    public void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(5);
            timers.runDue();
        }
        timers.runDue();
    }

    @Override
    public void close() {
        manager.expireAll();
        engine.close();
    }

    /** One call between a caller and a callee, producing the headers OpenSIPS would. */
    public final class Call {
        public final String callId;
        public final String callerTag;
        public final String calleeTag;
        public String signalingIp = "127.0.0.1";

        public Call(String callId, String callerTag, String calleeTag) {
            this.callId = callId;
            this.callerTag = callerTag;
            this.calleeTag = calleeTag;
        }

        /** The initial INVITE: no To-tag yet. */
        public String callerInvite(long cseq, String media) {
            return update(headers("request", cseq, callerTag, null, "Caller UA", media));
        }

        /** An in-dialog request from the caller (re-INVITE, ACK). */
        public String callerRequest(long cseq, String media) {
            return update(headers("request", cseq, callerTag, calleeTag, "Caller UA", media));
        }

        public String calleeReply(long cseq, String media) {
            return update(headers("reply", cseq, callerTag, calleeTag, "Callee UA", media));
        }

        /** Request from the callee (its re-INVITE): From is the callee. */
        public String calleeRequest(long cseq, String media) {
            return update(headers("request", cseq, calleeTag, callerTag, "Callee UA", media));
        }

        public String callerReply(long cseq, String media) {
            return update(headers("reply", cseq, calleeTag, callerTag, "Caller UA", media));
        }

        public String remove() {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("call_id", callId);
            headers.put("from_tag", callerTag);
            headers.put("to_tag", calleeTag);
            return execute("remove", headers);
        }

        public Map<String, String> headers(String type, long cseq, String fromTag, String toTag, String ua,
                String media) {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("type", type);
            headers.put("dialog_id", "309478715165");
            headers.put("call_id", callId);
            headers.put("cseq", Long.toString(cseq));
            headers.put("from_uri", "sip:alice@example.com");
            headers.put("to_uri", "sip:bob@example.com");
            headers.put("from_tag", fromTag);
            if (toTag != null) {
                headers.put("to_tag", toTag);
            }
            headers.put("user_agent", ua);
            headers.put("signaling_ip", signalingIp);
            if (media != null) {
                headers.put("media", media);
            }
            return headers;
        }

        public String update(Map<String, String> headers) {
            return execute("update", headers);
        }
    }

    public Call call(String callId) {
        return new Call(callId, "caller-" + callId, "callee-" + callId);
    }

    /** Ports of an update answer ("ip p1 p2 ..."). */
    public static List<Integer> ports(String answer) {
        String[] parts = answer.split(" ");
        List<Integer> ports = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            ports.add(Integer.parseInt(parts[i]));
        }
        return ports;
    }

    public static String audio(int port) {
        return "audio:127.0.0.1:" + port + ":sendrecv:ice=no";
    }
}
