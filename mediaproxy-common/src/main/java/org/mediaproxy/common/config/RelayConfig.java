package org.mediaproxy.common.config;

import org.mediaproxy.common.daemon.LogLevel;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.mediaproxy.common.tls.Passport;

/**
 * {@code [Relay]}: what the media relay reads (configuration.md §2).
 *
 * @param dispatchers dispatchers to connect to; a host may be a name to look up (SRV, then A)
 * @param passport required subject of the dispatcher's certificate
 * @param relayIp address to bind media sockets to; empty = the address of the interface with the
 *     default route, found at start-up
 * @param advertisedIp address announced to OpenSIPS instead of the bound one (1:1 NAT)
 * @param routablePrivateRanges private networks to which media may be sent before latching
 * @param forwarding our option: kernel, user space, or choose at start-up
 */
public record RelayConfig(List<HostPort> dispatchers, Passport passport, Optional<InetAddress> relayIp,
        Optional<InetAddress> advertisedIp, boolean autoDetectInterfaces, PortRange portRange, LogLevel logLevel,
        Duration streamTimeout, Duration onHoldTimeout, Duration dnsCheckInterval, Duration keepaliveInterval,
        Duration reconnectDelay, Duration trafficSamplingPeriod, int userspaceTransmitEvery,
        List<Cidr> routablePrivateRanges, ForwardingMode forwarding) {

    public static final int DEFAULT_DISPATCHER_PORT = 25060;

    public RelayConfig {
        dispatchers = List.copyOf(dispatchers);
        routablePrivateRanges = List.copyOf(routablePrivateRanges);
    }

    static RelayConfig read(SectionReader in) throws ConfigException {
        return new RelayConfig(
                in.list("dispatchers", RelayConfig::dispatcher),
                in.passport("passport"),
                in.ip("relay_ip"),
                in.ip("advertised_ip"),
                in.bool("auto_detect_interfaces", false),
                in.get("port_range", new PortRange(40000, 60000), PortRange::parse),
                in.logLevel("log_level", LogLevel.INFO),
                in.seconds("stream_timeout", 90, 0),
                in.seconds("on_hold_timeout", 7200, 0),
                in.seconds("dns_check_interval", 60, 1),
                in.seconds("keepalive_interval", 10, 1),
                in.seconds("reconnect_delay", 10, 1),
                in.seconds("traffic_sampling_period", 15, 0),
                in.integer("userspace_transmit_every", 1, 1),
                in.list("routable_private_ranges", Cidr::parse),
                in.choice("forwarding", ForwardingMode.AUTO));
    }

    private static HostPort dispatcher(String item) {
        HostPort address = HostPort.parse(item, DEFAULT_DISPATCHER_PORT);
        if (address.port() == 0) {
            throw new IllegalArgumentException("dispatcher '" + item + "' has port 0");
        }
        return address;
    }
}
