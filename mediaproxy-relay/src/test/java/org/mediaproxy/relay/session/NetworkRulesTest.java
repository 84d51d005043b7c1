package org.mediaproxy.relay.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** CIDR ranges, routability of SDP addresses and the settings' own checks. */
class NetworkRulesTest {

    private static InetAddress ip(String text) {
        return IpLiterals.parse(text);
    }

    @Test
    void cidrContainment() {
        Cidr range = Cidr.parse("10.1.0.0/16");
        assertTrue(range.contains(ip("10.1.255.1")));
        assertFalse(range.contains(ip("10.2.0.1")));
        assertEquals("10.1.0.0/16", Cidr.parse("10.1.2.3/16").toString());
        assertTrue(Cidr.parse("0.0.0.0/0").contains(ip("203.0.113.9")));
        assertTrue(Cidr.parse("192.0.2.7").contains(ip("192.0.2.7")));
        assertFalse(Cidr.parse("192.0.2.7").contains(ip("192.0.2.8")));
        assertFalse(Cidr.parse("::/0").contains(ip("192.0.2.8")));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("ten/8"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/x"));
    }

    @Test
    void privateAndSpecialAddressesAreNotRoutable() {
        // Behaviours 70-72.
        Routability plain = new Routability(List.of());
        for (String address : List.of("10.0.0.1", "100.64.1.1", "127.0.0.1", "169.254.0.1", "172.16.0.1",
                "192.0.0.1", "192.0.2.1", "192.88.99.1", "192.168.1.20", "198.18.0.1", "198.19.255.1",
                "198.51.100.7", "203.0.113.5", "224.0.0.1", "240.0.0.1", "255.255.255.255", "0.0.0.0")) {
            assertFalse(plain.isRoutable(ip(address)), address);
        }
        assertTrue(plain.isRoutable(ip("8.8.8.8")));
        assertTrue(plain.isRoutable(ip("198.20.0.1")));
        Routability trusted = new Routability(List.of(Cidr.parse("192.168.0.0/16")));
        assertTrue(trusted.isRoutable(ip("192.168.1.20")));
        assertFalse(trusted.isRoutable(ip("10.0.0.1")));
    }

    @Test
    void settingsRefuseABadPortRange() {
        // Behaviour 122: port_range 40001:60000 is refused.
        for (int[] range : new int[][] {{40001, 60000}, {40000, 60001}, {1022, 2000}, {50000, 50000}, {60000, 40000},
                {40000, 65538}}) {
            assertThrows(IllegalArgumentException.class, () -> settings(range[0], range[1]));
        }
        assertEquals(10_000, settings(40000, 60000).portPairs());
        assertEquals(1, settings(1024, 1026).portPairs());
    }

    private static RelaySettings settings(int start, int end) {
        return new RelaySettings(ip("198.18.0.1"), Optional.empty(), false, start, end, Duration.ofSeconds(90),
                Duration.ofSeconds(7200), Duration.ofSeconds(15), 1, List.of(), "4.1.2");
    }
}
