package org.mediaproxy.relay.session;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the media side of the relay needs from {@code [Relay]} in config.ini, as plain values.
 *
 * @param relayIp                 bind address of media sockets; reported as {@code ip} in {@code summary}
 * @param advertisedIp            address put in {@code update} answers instead of the bound one (1:1 NAT)
 * @param autoDetectInterfaces    bind each side on the local address routing towards that side's signalling IP
 * @param portRangeStart          first port (even) of {@code port_range}
 * @param portRangeEnd            end of {@code port_range} (even, exclusive: pairs start..end-2)
 * @param streamTimeout           time each party has to send its first media, and silence allowed afterwards
 * @param onHoldTimeout           longest time a stream may stay on hold
 * @param trafficSamplingPeriod   bandwidth sampling period; zero disables sampling
 * @param userspaceTransmitEvery  forward every n-th media packet in user space (1 = all)
 * @param routablePrivateRanges   private ranges trusted as destinations before latching
 * @param version                 software version reported in {@code summary}
 */
public record RelaySettings(InetAddress relayIp, Optional<InetAddress> advertisedIp, boolean autoDetectInterfaces,
        int portRangeStart, int portRangeEnd, Duration streamTimeout, Duration onHoldTimeout,
        Duration trafficSamplingPeriod, int userspaceTransmitEvery, List<Cidr> routablePrivateRanges,
        String version) {

    public RelaySettings {
        Objects.requireNonNull(relayIp, "relayIp");
        Objects.requireNonNull(advertisedIp, "advertisedIp");
        Objects.requireNonNull(version, "version");
        if (portRangeStart % 2 != 0 || portRangeEnd % 2 != 0 || portRangeStart < 1024 || portRangeEnd > 65536
                || portRangeStart >= portRangeEnd) {
            throw new IllegalArgumentException("bad port range " + portRangeStart + ":" + portRangeEnd
                    + " (both even, 1024 <= start < end <= 65536)");
        }
        requirePositive(streamTimeout, "stream_timeout");
        requirePositive(onHoldTimeout, "on_hold_timeout");
        if (trafficSamplingPeriod.isNegative()) {
            throw new IllegalArgumentException("traffic_sampling_period must not be negative");
        }
        if (userspaceTransmitEvery < 1) {
            throw new IllegalArgumentException("userspace_transmit_every must be at least 1");
        }
        routablePrivateRanges = List.copyOf(routablePrivateRanges);
    }

    /** Number of port pairs in the range; each stream uses two. */
    public int portPairs() {
        return (portRangeEnd - portRangeStart) / 2;
    }

    private static void requirePositive(Duration duration, String name) {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
