package org.mediaproxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.mediaproxy.relay.forwarding.kernel.KernelOptions;
import org.mediaproxy.relay.testing.NetnsFixture;
import org.mediaproxy.testkit.DaemonProcess;
import org.mediaproxy.testkit.DemoEnvironment;
import org.mediaproxy.testkit.OpenSipsClient;
import org.mediaproxy.testkit.RtpEndpoint;
import org.mediaproxy.testkit.SipDialog;

/**
 * Calls through the real daemons with kernel forwarding. {@code bin/media-dispatcher} and
 * {@code bin/media-relay} run inside the relay namespace of a {@link NetnsFixture} (the relay
 * links to the dispatcher over mutual TLS on that namespace's loopback, as on a host running
 * both); the test plays OpenSIPS on the dispatcher's UNIX socket, and the phones' RTP endpoints
 * live in the caller and callee namespaces, so every packet crosses the relay namespace for real.
 * What the relay did is checked from outside with the operator's tools: {@code conntrack},
 * {@code nft} and the namespace's UDP counters in {@code /proc/net/snmp}.
 */
class KernelCallEndToEndTest {

    static final String CALLER_IP = "198.18.1.2";
    static final String CALLEE_IP = "198.18.2.2";
    /** IP-level sizes of the testkit's RTP and RTCP packets, as the counters count them. */
    static final int RTP_BYTES = 200;
    static final int RTCP_BYTES = 60;

    /**
     * The relay serves the fixture's media address; the phones' SDP addresses, in 198.18.0.0/15,
     * count as routable so that media sent before the other side is latched is relayed.
     */
    static final String NETNS_RELAY = """
            relay_ip = 198.18.0.1
            routable_private_ranges = 198.18.0.0/15
            forwarding = kernel
            """;

    /**
     * OpenSIPS' {@code mediaproxy_timeout} and the dispatcher's {@code opensips_timeout}: larger
     * than the default 500 ms, because the first request after the daemons started runs through
     * code neither JVM has loaded yet (0.15-1.5 s was seen on two cores shared with other builds),
     * and set-up latency is not what these tests are about.
     */
    static final Duration OPENSIPS_TIMEOUT = Duration.ofSeconds(5);

    @RegisterExtension
    final NetnsFixture net = new NetnsFixture();

    /** Kept when a test fails: the daemons' logs and configuration are in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path base;

    private RunningMediaProxy proxy;
    private RelayKernel kernel;

    @BeforeEach
    void relayNamespace() {
        kernel = new RelayKernel(net.relay());
    }

    /** Runs before the fixture deletes the namespaces: no daemon outlives its test. */
    @AfterEach
    void stop() throws InterruptedException {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void inAFreshNamespaceTheKernelRelaysRtpAndRtcpBothWaysAndTheRecordGetsItsCounters() throws Exception {
        assertEquals("", kernel.ruleset().strip(), "no firewall rules at all before the relay starts");
        proxy = start(base, "");
        assertTrue(proxy.relay.log().contains("forwarding engine: kernel"), proxy.relay.log());

        SipDialog call = dialog("kernel");
        try (OpenSipsClient opensips = proxy.opensips(OPENSIPS_TIMEOUT);
                MediaParty caller = caller();
                MediaParty callee = callee()) {
            Relayed relayed = setUp(opensips, call, caller, callee);
            assertEquals("198.18.0.1", relayed.callerSide().getAddress().getHostAddress());
            handOver(caller, callee, relayed);

            RelayKernel.Entry rtp = kernel.entryTowards(relayed.callerSide());
            assertEquals(new InetSocketAddress(CALLER_IP, caller.port(0)), rtp.callerRemote());
            assertEquals(new InetSocketAddress(CALLEE_IP, callee.port(0)), rtp.calleeRemote());
            assertEquals(relayed.calleeSide(), rtp.calleeLocal());
            assertEquals(KernelOptions.DEFAULT_MARK, rtp.mark());
            RelayKernel.Entry rtcp = kernel.entryTowards(rtcp(relayed.callerSide()));
            assertEquals(rtcp(relayed.calleeSide()), rtcp.calleeLocal());
            JsonNode before = audio(call);
            RelayKernel.UdpDatagrams sockets = kernel.udpDatagrams();

            caller.send(0, relayed.callerSide(), 100, 0);
            callee.send(0, relayed.calleeSide(), 100, 8);
            awaitReceived(callee.rtp.get(0), 110);
            awaitReceived(caller.rtp.get(0), 110);
            awaitReceived(callee.rtcp.get(0), 11);
            awaitReceived(caller.rtcp.get(0), 11);

            assertEquals(sockets, kernel.udpDatagrams(),
                    "the kernel relayed them: no socket of the relay namespace received or sent a datagram");
            RelayKernel.Entry rtpAfter = kernel.entryTowards(relayed.callerSide());
            assertEquals(rtp.callerPackets() + 100, rtpAfter.callerPackets());
            assertEquals(rtp.calleePackets() + 100, rtpAfter.calleePackets());
            RelayKernel.Entry rtcpAfter = kernel.entryTowards(rtcp(relayed.callerSide()));
            assertEquals(rtcp.callerPackets() + 10, rtcpAfter.callerPackets());
            assertEquals(rtcp.calleePackets() + 10, rtcpAfter.calleePackets());
            JsonNode after = audio(call);
            assertEquals(before.path("caller_packets").asLong() + 110, after.path("caller_packets").asLong(),
                    "the live counters include what the kernel forwarded: " + after);
            assertEquals(before.path("callee_packets").asLong() + 110, after.path("callee_packets").asLong());
            assertEquals(before.path("caller_bytes").asLong() + 100 * RTP_BYTES + 10 * RTCP_BYTES,
                    after.path("caller_bytes").asLong());

            // The relay sends from the port it told the other side about, before and after the hand-over.
            assertEquals(Set.of(relayed.calleeSide()), callee.rtp.get(0).sources());
            assertEquals(Set.of(relayed.callerSide()), caller.rtp.get(0).sources());
            assertEquals(Set.of(rtcp(relayed.calleeSide())), callee.rtcp.get(0).sources());
            assertEquals(Set.of(rtcp(relayed.callerSide())), caller.rtcp.get(0).sources());
            assertEquals(0, callee.rtp.get(0).missingBelow(caller.rtp.get(0).sent()));
            assertEquals(0, caller.rtp.get(0).missingBelow(callee.rtp.get(0).sent()));

            assertEquals("removed", opensips.send(call.remove()));
        }
        JsonNode record = proxy.awaitAccounting(call.callId(), 1).get(0);
        JsonNode stream = record.path("streams").get(0);
        assertEquals("closed", stream.path("status").asText());
        // 110 RTP and 11 RTCP each way; the callee's very first report found no caller to go to.
        assertEquals(121, stream.path("caller_packets").asLong(), stream.toString());
        assertEquals(121, stream.path("callee_packets").asLong(), stream.toString());
        assertEquals(110 * RTP_BYTES + 11 * RTCP_BYTES, stream.path("caller_bytes").asLong());
        assertEquals(110 * RTP_BYTES + 11 * RTCP_BYTES, stream.path("callee_bytes").asLong());
        assertEquals(List.of(), kernel.ownEntries(), "the session's entries are deleted with it");
    }

    @Test
    void anIdleStreamEndsWhenTheKernelExpiresItsEntry() throws Exception {
        net.relay().sysctl("net.netfilter.nf_conntrack_udp_timeout", "1");
        net.relay().sysctl("net.netfilter.nf_conntrack_udp_timeout_stream", "2");
        // Far beyond the kernel's 2 s: the relay's own timers cannot be what ends the stream.
        proxy = start(base, "stream_timeout = 300\n");

        SipDialog call = dialog("idle");
        long silentSince;
        try (OpenSipsClient opensips = proxy.opensips(OPENSIPS_TIMEOUT);
                MediaParty caller = caller();
                MediaParty callee = callee()) {
            handOver(caller, callee, setUp(opensips, call, caller, callee));
            silentSince = System.nanoTime();

            JsonNode record = proxy.awaitAccounting(call.callId(), 1, Duration.ofSeconds(40)).get(0);
            assertTrue(System.nanoTime() - silentSince >= Duration.ofSeconds(2).toNanos(), "not before the kernel's timeout");
            assertTrue(record.path("timed_out").asBoolean(false), record.toString());
            JsonNode stream = record.path("streams").get(0);
            assertEquals("conntrack timeout", stream.path("status").asText(), stream.toString());
            assertEquals(2, stream.path("timeout_wait").asInt(), "the kernel's UDP stream timeout");
            // 10 RTP and 1 RTCP each way (the callee's first report went nowhere), most of it by the kernel.
            assertEquals(11, stream.path("caller_packets").asLong(), stream.toString());
            assertEquals(11, stream.path("callee_packets").asLong(), stream.toString());
            assertEquals(10 * RTP_BYTES + RTCP_BYTES, stream.path("callee_bytes").asLong());
            assertEquals(List.of(), kernel.ownEntries());
        }
    }

    @Test
    void mediaAlreadyFlowingBeforeTheEntryExistsIsHandedToTheKernelWithoutLosingAPacket() throws Exception {
        proxy = start(base, "");

        SipDialog call = dialog("race");
        try (OpenSipsClient opensips = proxy.opensips(OPENSIPS_TIMEOUT);
                MediaParty caller = caller();
                MediaParty callee = callee()) {
            InetSocketAddress calleeSide = Replies.stream(opensips.send(call.offer(1, CALLER_IP, List.of(caller.audio(0)))), 0);
            try (Talker early = new Talker(callee, calleeSide, 8)) {
                // Early media: relayed from userspace to the caller's SDP address until the caller talks too.
                awaitAtLeast(caller.rtp.get(0), 50);
                assertEquals(List.of(), kernel.ownEntries());
                InetSocketAddress callerSide = Replies.stream(
                        opensips.send(call.answer(1, CALLER_IP, List.of(callee.audio(0)))), 0);
                try (Talker talker = new Talker(caller, callerSide, 0)) {
                    kernel.awaitOwnEntries(2);
                    // The sockets' last packets leave; from then on the kernel alone relays.
                    Thread.sleep(300);
                    RelayKernel.UdpDatagrams handedOver = kernel.udpDatagrams();
                    Thread.sleep(700);
                    assertEquals(handedOver, kernel.udpDatagrams(), "no socket of the relay namespace saw the media");
                    RelayKernel.Entry rtp = kernel.entryTowards(callerSide);
                    assertTrue(rtp.callerPackets() > 100 && rtp.calleePackets() > 100, rtp.toString());
                }
                assertEquals(Set.of(callerSide), caller.rtp.get(0).sources());
            }
            assertEquals(Set.of(calleeSide), callee.rtp.get(0).sources());
            RtpEndpoint callerRtp = caller.rtp.get(0);
            RtpEndpoint calleeRtp = callee.rtp.get(0);
            awaitReceived(calleeRtp, callerRtp.sent());
            awaitReceived(callerRtp, calleeRtp.sent());
            assertEquals(0, calleeRtp.missingBelow(callerRtp.sent()), "caller → callee sequence numbers without a gap");
            assertEquals(0, callerRtp.missingBelow(calleeRtp.sent()), "callee → caller sequence numbers without a gap");
            assertEquals("removed", opensips.send(call.remove()));

            // What the userspace sockets and the kernel relayed adds up to what arrived: no packet
            // was counted twice or missed at the hand-over.
            JsonNode stream = proxy.awaitAccounting(call.callId(), 1).get(0).path("streams").get(0);
            assertEquals(calleeRtp.received() + callee.rtcp.get(0).received(), stream.path("caller_packets").asLong());
            assertEquals(callerRtp.received() + caller.rtcp.get(0).received(), stream.path("callee_packets").asLong());
        }
    }

    @Test
    void neitherAStopNorACrashLeavesEntriesOrRulesBehind() throws Exception {
        proxy = start(base, "");
        try (OpenSipsClient opensips = proxy.opensips(OPENSIPS_TIMEOUT)) {
            SipDialog stopped = dialog("term");
            try (MediaParty caller = caller(); MediaParty callee = callee()) {
                handOver(caller, callee, setUp(opensips, stopped, caller, callee));
                assertTrue(kernel.hasOwnTable());
                proxy.relay.signal("TERM");
                assertEquals(0, proxy.relay.awaitExit(Duration.ofSeconds(20)), proxy.relay.log());
            }
            assertEquals(List.of(), kernel.ownEntries(), "no entry with the relay's mark after SIGTERM");
            assertFalse(kernel.hasOwnTable(), "nftables table removed: " + kernel.ruleset());
            assertEquals(1, proxy.awaitAccounting(stopped.callId(), 1).size());

            proxy.startRelay();
            SipDialog crashed = dialog("crash");
            try (MediaParty caller = caller(); MediaParty callee = callee()) {
                handOver(caller, callee, setUp(opensips, crashed, caller, callee));
                proxy.relay.signal("KILL");
                assertNotEquals(0, proxy.relay.awaitExit(Duration.ofSeconds(10)));
            }
            assertEquals(2, kernel.ownEntries().size(), "a crash leaves the entries behind");
            assertTrue(kernel.hasOwnTable(), "and the table");

            DaemonProcess restarted = proxy.startRelay();
            assertTrue(restarted.log().contains("deleted 2 conntrack entries left by a previous run"), restarted.log());
            assertEquals(List.of(), kernel.ownEntries());
            SipDialog next = dialog("next");
            try (MediaParty caller = caller(); MediaParty callee = callee()) {
                Relayed relayed = setUp(opensips, next, caller, callee);
                handOver(caller, callee, relayed);
                caller.send(0, relayed.callerSide(), 20, 0);
                awaitReceived(callee.rtp.get(0), 30);
                assertTrue(kernel.entryTowards(relayed.callerSide()).callerPackets() > 0, "the new call is in the kernel");
                assertEquals("removed", opensips.send(next.remove()));
            }
            restarted.signal("TERM");
            assertEquals(0, restarted.awaitExit(Duration.ofSeconds(20)));
            assertEquals(List.of(), kernel.ownEntries());
            assertFalse(kernel.hasOwnTable(), kernel.ruleset());
        }
    }

    @Test
    void whereTheKernelPathCannotWorkAutoFallsBackToUserspaceWithOneWarning() throws Exception {
        // A host firewall that drops forwarded packets: NAT entries are accepted but never applied.
        net.relay().exec("nft", "add table ip hostfw; add chain ip hostfw forward "
                + "{ type filter hook forward priority 0; policy drop; }");

        DemoEnvironment strict = DemoEnvironment.create(RunningMediaProxy.CHECKOUT, base.resolve("kernel"),
                Map.of("Relay", NETNS_RELAY));
        DaemonProcess refused = DaemonProcess.start(RunningMediaProxy.CHECKOUT, "media-relay", strict.configDir(),
                strict.runtimeDir(), strict.logDir().resolve("relay.log"), Site.in(net.relay()).commandPrefix(), List.of());
        try {
            assertEquals(1, refused.awaitExit(Duration.ofSeconds(30)), "forwarding = kernel refuses to start");
            assertTrue(refused.log().contains("FORWARD"), "and says why: " + refused.log());
        } finally {
            refused.close();
        }

        proxy = start(base.resolve("auto"), "forwarding = auto\n");
        List<String> warnings = proxy.relay.log().lines().filter(line -> line.startsWith("WARNING")).toList();
        assertEquals(1, warnings.size(), proxy.relay.log());
        assertTrue(warnings.get(0).contains("kernel forwarding is not available, media will be relayed in userspace"),
                warnings.get(0));
        assertTrue(warnings.get(0).contains("FORWARD"), warnings.get(0));
        assertTrue(proxy.relay.log().contains("forwarding engine: userspace"), proxy.relay.log());

        SipDialog call = dialog("auto");
        try (OpenSipsClient opensips = proxy.opensips(OPENSIPS_TIMEOUT);
                MediaParty caller = caller();
                MediaParty callee = callee()) {
            Relayed relayed = setUp(opensips, call, caller, callee);
            exchangeFirstPackets(caller, callee, relayed);
            caller.send(0, relayed.callerSide(), 40, 0);
            callee.send(0, relayed.calleeSide(), 40, 8);
            awaitReceived(callee.rtp.get(0), 50);
            awaitReceived(caller.rtp.get(0), 50);
            assertEquals(Set.of(relayed.calleeSide()), callee.rtp.get(0).sources());
            assertEquals("removed", opensips.send(call.remove()));
        }
        assertEquals(List.of(), kernel.ownEntries());
        assertFalse(kernel.hasOwnTable());
        assertTrue(kernel.ruleset().contains("hostfw"), "the host's own rules are untouched");
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** The relay addresses each phone sends to, from the dispatcher's answers. */
    private record Relayed(InetSocketAddress callerSide, InetSocketAddress calleeSide) {
    }

    private RunningMediaProxy start(Path dir, String relayOptions) throws Exception {
        return RunningMediaProxy.start(dir, Map.of("Relay", NETNS_RELAY + relayOptions,
                "Dispatcher", "opensips_timeout = " + OPENSIPS_TIMEOUT.toMillis()), Site.in(net.relay()));
    }

    private MediaParty caller() throws IOException {
        return MediaParty.at(Site.in(net.caller()), CALLER_IP, 1);
    }

    private MediaParty callee() throws IOException {
        return MediaParty.at(Site.in(net.callee()), CALLEE_IP, 1);
    }

    private static SipDialog dialog(String name) {
        return new SipDialog(name + "-" + System.nanoTime() + "@" + CALLER_IP, "from-" + name, "to-" + name, "2959232491322");
    }

    private static Relayed setUp(OpenSipsClient opensips, SipDialog call, MediaParty caller, MediaParty callee)
            throws IOException {
        String offer = opensips.send(call.offer(1, CALLER_IP, List.of(caller.audio(0))));
        String answer = opensips.send(call.answer(1, CALLER_IP, List.of(callee.audio(0))));
        assertTrue(offer.matches("198\\.18\\.0\\.1 \\d+"), offer);
        assertTrue(answer.matches("198\\.18\\.0\\.1 \\d+"), answer);
        return new Relayed(Replies.stream(answer, 0), Replies.stream(offer, 0));
    }

    /**
     * Latching and the first packets, relayed in userspace: the callee's first RTCP report (which
     * teaches the relay its address and goes nowhere), then 10 RTP packets and one report each way.
     */
    private static void exchangeFirstPackets(MediaParty caller, MediaParty callee, Relayed relayed) throws Exception {
        callee.rtcp.get(0).sendRtcp(rtcp(relayed.calleeSide()));
        Thread.sleep(100);
        caller.send(0, relayed.callerSide(), 10, 0);
        callee.send(0, relayed.calleeSide(), 10, 8);
        awaitReceived(callee.rtp.get(0), 10);
        awaitReceived(caller.rtp.get(0), 10);
        awaitReceived(callee.rtcp.get(0), 1);
        awaitReceived(caller.rtcp.get(0), 1);
    }

    /** {@link #exchangeFirstPackets}, after which the relay hands RTP and RTCP to the kernel. */
    private void handOver(MediaParty caller, MediaParty callee, Relayed relayed) throws Exception {
        exchangeFirstPackets(caller, callee, relayed);
        kernel.awaitOwnEntries(2);
    }

    private JsonNode audio(SipDialog call) throws Exception {
        for (JsonNode session : proxy.management("sessions")) {
            if (session.path("call_id").asText().equals(call.callId())) {
                return session.path("streams").get(0);
            }
        }
        throw new AssertionError("no session " + call.callId());
    }

    private static InetSocketAddress rtcp(InetSocketAddress rtp) {
        return new InetSocketAddress(rtp.getAddress(), rtp.getPort() + 1);
    }

    /** Waits up to 5 s for {@code count} datagrams, then checks that exactly that many came. */
    private static void awaitReceived(RtpEndpoint endpoint, long count) throws InterruptedException {
        awaitAtLeast(endpoint, count);
        Thread.sleep(20);
        assertEquals(count, endpoint.received(), "datagrams received");
    }

    private static void awaitAtLeast(RtpEndpoint endpoint, long count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (endpoint.received() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(endpoint.received() >= count, "only " + endpoint.received() + " of " + count + " datagrams arrived");
    }

    /** A phone talking: an RTP packet every 2 ms and an RTCP report with every 25th, until closed. */
    private static final class Talker implements AutoCloseable {
        private final Thread thread;
        private volatile boolean talking = true;

        Talker(MediaParty party, InetSocketAddress relay, int payloadType) {
            RtpEndpoint rtp = party.rtp.get(0);
            RtpEndpoint rtcp = party.rtcp.get(0);
            thread = new Thread(() -> {
                try {
                    for (int i = 0; talking; i++) {
                        rtp.sendRtp(relay, payloadType);
                        if (i % 25 == 0) {
                            rtcp.sendRtcp(rtcp(relay));
                        }
                        Thread.sleep(2);
                    }
                } catch (IOException | InterruptedException e) {
                    // the call is over
                }
            }, "talker-" + relay.getPort());
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            talking = false;
            thread.join(2000);
        }
    }
}
