package org.mediaproxy.relay.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Least-recently-used pair reuse, bind failures and exhaustion. */
class PortAllocatorTest {

    private static final PortAllocator.PairBinder ANY = port -> { };

    @Test
    void pairsComeInOrderAndReturnToTheTail() throws Exception {
        // Behaviours 48 and 49.
        PortAllocator ports = new PortAllocator(40000, 40010, Integer.MAX_VALUE);
        assertEquals(40000, ports.allocate(ANY));
        assertEquals(40002, ports.allocate(ANY));
        ports.release(40000);
        assertEquals(40004, ports.allocate(ANY));
        assertEquals(40006, ports.allocate(ANY));
        assertEquals(40008, ports.allocate(ANY));
        assertEquals(40000, ports.allocate(ANY));
        assertEquals(5, ports.pairsInUse());
    }

    @Test
    void exhaustionIsAnErrorNotACrash() throws Exception {
        // Behaviour 50.
        PortAllocator ports = new PortAllocator(40000, 40004, Integer.MAX_VALUE);
        ports.allocate(ANY);
        ports.allocate(ANY);
        PortsExhaustedException failure = assertThrows(PortsExhaustedException.class, () -> ports.allocate(ANY));
        assertEquals("all allocated ports are being used", failure.getMessage());
        ports.release(40002);
        assertEquals(40002, ports.allocate(ANY));
    }

    @Test
    void theCapOnPairsInUseApplies() throws Exception {
        PortAllocator ports = new PortAllocator(40000, 40010, 2);
        ports.allocate(ANY);
        ports.allocate(ANY);
        assertThrows(PortsExhaustedException.class, () -> ports.allocate(ANY));
        ports.release(40000);
        assertEquals(40004, ports.allocate(ANY));
    }

    @Test
    void pairsThatCannotBeBoundAreSkippedAndRetriedLater() throws Exception {
        // Behaviour 51, with real sockets: a port of the range is already taken.
        int base = RelayHarness.freePortRange(6);
        List<DatagramSocket> bound = new ArrayList<>();
        PortAllocator.PairBinder realBind = port -> {
            bound.add(new DatagramSocket(new InetSocketAddress(RelayHarness.LOOPBACK, port)));
            bound.add(new DatagramSocket(new InetSocketAddress(RelayHarness.LOOPBACK, port + 1)));
        };
        try (DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(RelayHarness.LOOPBACK, base))) {
            PortAllocator ports = new PortAllocator(base, base + 6, Integer.MAX_VALUE);
            assertEquals(base + 2, ports.allocate(realBind));
            assertEquals(base + 4, ports.allocate(realBind));
            assertThrows(PortsExhaustedException.class, () -> ports.allocate(realBind));
        } finally {
            bound.forEach(DatagramSocket::close);
        }
    }

    @Test
    void badPairsReturnOnceTheyOutnumberFreeOnes() throws Exception {
        Set<Integer> broken = new java.util.HashSet<>(Set.of(40000));
        PortAllocator.PairBinder flaky = port -> {
            if (broken.contains(port)) {
                throw new BindException("busy");
            }
        };
        PortAllocator ports = new PortAllocator(40000, 40004, Integer.MAX_VALUE);
        assertEquals(40002, ports.allocate(flaky));
        broken.clear();
        // One bad pair, no free one: the bad list goes back to the queue and is tried again.
        assertEquals(40000, ports.allocate(flaky));
    }

    @Test
    void allocationGivesUpWhenNoPairCanBeBound() {
        PortAllocator ports = new PortAllocator(40000, 40008, Integer.MAX_VALUE);
        assertThrows(PortsExhaustedException.class, () -> ports.allocate(port -> {
            throw new IOException("never");
        }));
        assertEquals(0, ports.pairsInUse());
    }
}
