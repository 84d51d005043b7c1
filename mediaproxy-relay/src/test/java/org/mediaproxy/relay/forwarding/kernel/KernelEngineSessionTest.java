package org.mediaproxy.relay.forwarding.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mediaproxy.relay.forwarding.kernel.KernelForwardingEngineTest.IP_BYTES;
import static org.mediaproxy.relay.forwarding.kernel.KernelForwardingEngineTest.payload;
import static org.mediaproxy.relay.testing.NetnsFixture.CALLEE_IP;
import static org.mediaproxy.relay.testing.NetnsFixture.CALLER_IP;
import static org.mediaproxy.relay.testing.NetnsFixture.RELAY_IP;
import static org.mediaproxy.relay.testing.NetnsFixture.address;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mediaproxy.common.json.PythonJson;
import org.mediaproxy.relay.session.RelayHarness;
import org.mediaproxy.relay.testing.Datagrams;
import org.mediaproxy.relay.testing.NetnsFixture;

/**
 * The kernel engine under the real session layer: what the kernel forwarded reaches the session
 * record, and an idle stream ends through the kernel's own expiry, as in the original.
 */
class KernelEngineSessionTest {

    static final InetSocketAddress CALLER = address(CALLER_IP, 4000);
    static final InetSocketAddress CALLEE = address(CALLEE_IP, 5000);
    static final Duration WAIT = Duration.ofSeconds(3);

    @RegisterExtension
    final NetnsFixture net = new NetnsFixture();

    private RelayHarness relay;
    private RelayHarness.Call call;
    private InetSocketAddress callerSide;
    private InetSocketAddress calleeSide;

    @BeforeEach
    void callSetUp() {
        // Short kernel UDP timeouts (per namespace), and a sweep that reports expiries promptly.
        net.relay().sysctl("net.netfilter.nf_conntrack_udp_timeout", "1");
        net.relay().sysctl("net.netfilter.nf_conntrack_udp_timeout_stream", "2");
        KernelOptions options = new KernelOptions(KernelOptions.DEFAULT_MARK, NftRuleset.DEFAULT_TABLE,
                Duration.ofSeconds(60), Duration.ofSeconds(2), Duration.ofMillis(300), true, false);
        KernelForwardingEngine engine = net.relay().call(() -> KernelForwardingEngine.start(options, 1));
        RelayHarness.Options settings = new RelayHarness.Options();
        settings.relayIp = RELAY_IP;
        settings.routable = List.of();
        settings.portBase = 40000;
        settings.engine = () -> engine;
        relay = new RelayHarness(settings);
        call = relay.call("kernel-1");
        call.signalingIp = CALLER_IP.getHostAddress();
        // Sockets belong to the namespace of the thread that binds them.
        calleeSide = address(RELAY_IP, RelayHarness.ports(net.relay().call(
                () -> call.callerInvite(1, "audio:198.18.1.2:4000:sendrecv:ice=no"))).get(0));
        callerSide = address(RELAY_IP, RelayHarness.ports(net.relay().call(
                () -> call.calleeReply(1, "audio:198.18.2.2:5000:sendrecv:ice=no"))).get(0));
    }

    @AfterEach
    void relayStopped() {
        relay.close();
    }

    @Test
    void theRecordCarriesWhatTheKernelForwarded() throws Exception {
        try (DatagramChannel caller = net.caller().udp(CALLER);
             DatagramChannel callee = net.callee().udp(CALLEE)) {
            exchange(caller, callee, 30);
            assertEquals("kernel", kernelStatus());

            JsonNode stream = PythonJson.parse(call.remove()).get("streams").get(0);
            assertEquals(30, stream.get("caller_packets").asLong());
            assertEquals(31, stream.get("callee_packets").asLong());
            assertEquals(30L * IP_BYTES, stream.get("caller_bytes").asLong());
            assertEquals(31L * IP_BYTES, stream.get("callee_bytes").asLong());
            assertEquals("0", net.relay().exec("sh", "-c", "conntrack -L -m 28016 2>/dev/null | grep -c udp || true").strip(),
                    "entry deleted with the session");
        }
    }

    @Test
    void anIdleStreamEndsWithConntrackTimeoutAndTheKernelsTimeout() throws Exception {
        try (DatagramChannel caller = net.caller().udp(CALLER);
             DatagramChannel callee = net.callee().udp(CALLEE)) {
            exchange(caller, callee, 10);
            long silentSince = System.nanoTime();

            // Stream timeout (2 s), then conntrack's garbage collection or the engine's sweep.
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (relay.listener.expired().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
                relay.timers.runDue();
            }
            assertEquals(1, relay.listener.expired().size(), "session expired");
            assertTrue(System.nanoTime() - silentSince >= Duration.ofMillis(1500).toNanos(), "not before the timeout");
            JsonNode stream = relay.listener.expired().get(0).record().get("streams").get(0);
            assertEquals("conntrack timeout", stream.get("status").asText());
            assertEquals(2, stream.get("timeout_wait").asInt());
            assertEquals(10, stream.get("caller_packets").asLong());
            assertEquals(11, stream.get("callee_packets").asLong());
            assertEquals(11L * IP_BYTES, stream.get("callee_bytes").asLong());
        }
    }

    /**
     * The caller's first packet is dropped (the callee is not known yet); the callee's first is
     * relayed in userspace and completes the latching; then {@code count} packets each way, which
     * the kernel forwards once its entry is in.
     */
    private void exchange(DatagramChannel caller, DatagramChannel callee, int count) throws Exception {
        Datagrams.send(caller, payload(0), callerSide);
        Datagrams.send(callee, payload(0), calleeSide);
        assertEquals(callerSide, Datagrams.receive(caller, WAIT).orElseThrow().source());
        relay.eventually(() -> "kernel".equals(kernelStatus()));
        for (int i = 1; i <= count; i++) {
            Datagrams.send(caller, payload(i), callerSide);
            assertEquals(calleeSide, Datagrams.receive(callee, WAIT).orElseThrow().source());
            Datagrams.send(callee, payload(i), calleeSide);
            assertEquals(callerSide, Datagrams.receive(caller, WAIT).orElseThrow().source());
        }
    }

    /** "kernel" once our entry for the stream exists. */
    private String kernelStatus() {
        return net.relay().exec("conntrack", "-L", "-m", "28016").contains("dport=" + callerSide.getPort())
                ? "kernel" : "userspace";
    }
}
