package org.mediaproxy.relay.forwarding.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mediaproxy.relay.testing.NetnsFixture.CALLEE_IP;
import static org.mediaproxy.relay.testing.NetnsFixture.CALLER_IP;
import static org.mediaproxy.relay.testing.NetnsFixture.RELAY_IP;
import static org.mediaproxy.relay.testing.NetnsFixture.address;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mediaproxy.relay.testing.Datagrams;
import org.mediaproxy.relay.testing.Datagrams.Datagram;
import org.mediaproxy.relay.testing.NetnsFixture;

/** Behaviours 94 and 95: one NAT entry forwards a stream both ways in the kernel, counted. */
class ConntrackTableTest {

    static final int MARK = 0x6d70;
    static final Duration SHORT = Duration.ofMillis(300);
    static final Duration LONG = Duration.ofSeconds(3);

    /** The stream of the original's captured call 1 (RTP substream). */
    static final NatEntry CALL1 = new NatEntry(address(CALLER_IP, 4000), address(RELAY_IP, 40000),
            address(CALLEE_IP, 5000), address(RELAY_IP, 40002));

    @RegisterExtension
    final NetnsFixture net = new NetnsFixture();

    @Test
    void entryForwardsBothWaysInTheKernelWhileUserspaceSocketsReceiveNothing() throws Exception {
        net.relay().sysctl("net.netfilter.nf_conntrack_acct", "1");
        NftRuleset ruleset = net.relay().call(() -> NftRuleset.open(NftRuleset.DEFAULT_TABLE));
        ruleset.install();
        try (ConntrackTable table = net.relay().call(() -> ConntrackTable.open(MARK, Duration.ofSeconds(60)));
             DatagramChannel relayCallerSide = net.relay().udp(CALL1.callerLocal());
             DatagramChannel relayCalleeSide = net.relay().udp(CALL1.calleeLocal());
             DatagramChannel caller = net.caller().udp(CALL1.callerRemote());
             DatagramChannel callee = net.callee().udp(CALL1.calleeRemote())) {
            table.create(CALL1);

            // 59 datagrams of 172 bytes each way: 200-byte IP packets, as in the captured call.
            for (int i = 0; i < 59; i++) {
                byte[] toCallee = payload('a', i);
                Datagrams.send(caller, toCallee, CALL1.callerLocal());
                Datagram atCallee = Datagrams.receive(callee, LONG).orElseThrow();
                assertEquals(CALL1.calleeLocal(), atCallee.source());
                assertArrayEquals(toCallee, atCallee.payload());

                byte[] toCaller = payload('b', i);
                Datagrams.send(callee, toCaller, CALL1.calleeLocal());
                Datagram atCaller = Datagrams.receive(caller, LONG).orElseThrow();
                assertEquals(CALL1.callerLocal(), atCaller.source());
                assertArrayEquals(toCaller, atCaller.payload());
            }

            FlowCounters expected = new FlowCounters(59, 11800, 59, 11800);
            assertEquals(expected, table.counters(CALL1).orElseThrow());
            assertTrue(Datagrams.receive(relayCallerSide, SHORT).isEmpty(), "kernel path bypasses userspace");
            assertTrue(Datagrams.receive(relayCalleeSide, SHORT).isEmpty(), "kernel path bypasses userspace");

            assertEquals(normalised(fixtureLine(0)), normalised(conntrackLine("dport=40000")));
            assertTrue(conntrackLine("dport=40000").contains("mark=" + MARK));
            assertEquals(List.of(CALL1), List.copyOf(table.listOwn().keySet()));
            assertEquals(expected, table.listOwn().get(CALL1));

            assertEquals(expected, table.delete(CALL1).orElseThrow());
            assertTrue(table.counters(CALL1).isEmpty());
            assertTrue(table.delete(CALL1).isEmpty());
            assertTrue(table.listOwn().isEmpty());
            assertFalse(net.relay().exec("conntrack", "-L", "-p", "udp").contains("dport=40000"));
        } finally {
            ruleset.remove();
            ruleset.close();
        }
    }

    @Test
    void createRefusesATupleHeldByAnotherEntryUntilItIsDeleted() throws Exception {
        NftRuleset ruleset = net.relay().call(() -> NftRuleset.open(NftRuleset.DEFAULT_TABLE));
        ruleset.install();
        try (ConntrackTable table = net.relay().call(() -> ConntrackTable.open(MARK, Duration.ofSeconds(60)));
             DatagramChannel relayCallerSide = net.relay().udp(CALL1.callerLocal());
             DatagramChannel caller = net.caller().udp(CALL1.callerRemote())) {
            // Before the kernel takes over, the caller's packets reach the userspace socket and
            // leave an ordinary conntrack entry for that tuple behind.
            Datagrams.send(caller, payload('a', 0), CALL1.callerLocal());
            assertTrue(Datagrams.receive(relayCallerSide, LONG).isPresent());

            ConntrackException refused = assertThrows(ConntrackException.class, () -> table.create(CALL1));
            assertEquals(ConntrackException.EEXIST, refused.errno());
            assertTrue(table.counters(CALL1).isEmpty(), "the ordinary entry is not ours");
            assertTrue(table.listOwn().isEmpty());

            assertTrue(table.deleteOriginal(CALL1.callerTuple()));
            assertFalse(table.deleteOriginal(CALL1.callerTuple()));
            table.create(CALL1);
            assertEquals(FlowCounters.ZERO, table.counters(CALL1).orElseThrow());
            table.delete(CALL1);
        } finally {
            ruleset.remove();
            ruleset.close();
        }
    }

    static byte[] payload(char tag, int sequence) {
        byte[] payload = new byte[172];
        Arrays.fill(payload, (byte) tag);
        payload[0] = (byte) (sequence >> 8);
        payload[1] = (byte) sequence;
        return payload;
    }

    private String conntrackLine(String marker) {
        return Arrays.stream(net.relay().exec("conntrack", "-L", "-p", "udp").split("\n"))
                .filter(line -> line.contains(marker))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no conntrack entry with " + marker));
    }

    private static String fixtureLine(int index) throws IOException {
        try (InputStream in = ConntrackTableTest.class.getResourceAsStream("/fixtures/original-4.1.2/call1-conntrack.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")[index];
        }
    }

    /** Drops what differs by design or by timing: the remaining lifetime and the mark. */
    private static String normalised(String conntrackLine) {
        return conntrackLine.strip()
                .replaceFirst("^udp\\s+17\\s+\\d+", "udp 17 T")
                .replaceAll("mark=\\d+", "mark=M")
                .replaceAll("\\s+", " ");
    }
}
