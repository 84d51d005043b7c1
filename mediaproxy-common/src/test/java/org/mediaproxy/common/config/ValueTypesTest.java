package org.mediaproxy.common.config;

import org.mediaproxy.common.daemon.LogLevel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ValueTypesTest {

    @Test
    void hostPortKeywordsAndDefaultPort() {
        assertEquals(new HostPort("0.0.0.0", 25060), HostPort.parse("any", 25060));
        assertEquals(new HostPort("0.0.0.0", 7), HostPort.parse("ANY:7", 25060));
        assertEquals(new HostPort("0.0.0.0", 25061), HostPort.parse("Default", 25061));
        assertEquals(new HostPort("relay.example.test", 25060), HostPort.parse("relay.example.test", 25060));
        assertEquals(new HostPort("198.18.0.1", 0), HostPort.parse("198.18.0.1:0", 25060));
        assertEquals("198.18.0.1:25060", HostPort.parse("198.18.0.1", 25060).toString());
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse("host:", 1));
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse("", 1));
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse("-bad-.example", 1));
    }

    @Test
    void hostPortSocketAddress() {
        InetSocketAddress literal = HostPort.parse("127.0.0.1:5", 1).toSocketAddress();
        assertFalse(literal.isUnresolved());
        assertEquals(5, literal.getPort());
        assertEquals("127.0.0.1", HostPort.parse("localhost:5", 1).toSocketAddress().getAddress().getHostAddress());
    }

    @Test
    void portRangePairs() {
        assertEquals(1, new PortRange(40000, 40002).pairCount());
        assertEquals(new PortRange(1024, 65536), PortRange.parse(" 1024 : 65536 "));
        assertEquals("40000:60000", new PortRange(40000, 60000).toString());
    }

    @Test
    void cidrContainsAndNormalises() {
        Cidr net = Cidr.parse("198.18.77.1/16");
        assertEquals("198.18.0.0/16", net.toString());
        assertEquals(Cidr.parse("198.18.0.0/16"), net);
        assertTrue(net.contains(Ipv4.parse("198.18.255.255")));
        assertFalse(net.contains(Ipv4.parse("198.19.0.0")));
        assertTrue(Cidr.parse("any").contains(Ipv4.parse("198.19.3.4")));
        Cidr single = Cidr.parse("198.18.0.7");
        assertEquals(32, single.prefix());
        assertTrue(single.contains(Ipv4.parse("198.18.0.7")));
        assertFalse(single.contains(Ipv4.parse("198.18.0.8")));
        assertEquals(Cidr.parse("127.0.0.1/32"), Cidr.parse("localhost"));
        assertEquals("198.18.0.0/15", Cidr.parse("198.18.1.2/15").toString());
    }

    @Test
    void logLevelIgnoresCase() {
        assertEquals(LogLevel.WARNING, LogLevel.parse(" warning "));
        assertEquals(LogLevel.WARNING, LogLevel.parse("warn"), "Python logging knows WARN as an alias");
        assertThrows(IllegalArgumentException.class, () -> LogLevel.parse("loud"));
    }
}
