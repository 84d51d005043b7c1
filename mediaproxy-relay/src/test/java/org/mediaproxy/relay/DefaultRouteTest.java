package org.mediaproxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DefaultRouteTest {

    private static final String HEADER = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n";

    @Test
    void defaultRouteWithTheLowestMetricWins() {
        String table = HEADER
                + "eth0\t000012C6\t00000000\t0001\t0\t0\t0\t0000FEFF\t0\t0\t0\n"
                + "eth1\t00000000\t010012C6\t0003\t0\t0\t200\t00000000\t0\t0\t0\n"
                + "eth2\t00000000\t010112C6\t0003\t0\t0\t100\t00000000\t0\t0\t0\n";
        assertEquals(Optional.of("eth2"), DefaultRoute.interfaceName(table));
    }

    @Test
    void routeThatIsDownOrNotDefaultDoesNotCount() {
        String table = HEADER
                + "eth0\t00000000\t010012C6\t0002\t0\t0\t0\t00000000\t0\t0\t0\n"
                + "eth1\t000012C6\t00000000\t0001\t0\t0\t0\t0000FEFF\t0\t0\t0\n";
        assertEquals(Optional.empty(), DefaultRoute.interfaceName(table));
        assertEquals(Optional.empty(), DefaultRoute.interfaceName(HEADER));
    }

    @Test
    void addressOfAnInterfaceIsItsIpv4Address() throws Exception {
        assertEquals("127.0.0.1", DefaultRoute.ipv4Of("lo").orElseThrow().getHostAddress());
        assertEquals(Optional.empty(), DefaultRoute.ipv4Of("no-such-interface0"));
    }
}
