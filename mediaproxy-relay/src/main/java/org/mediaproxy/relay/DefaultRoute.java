package org.mediaproxy.relay;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The default of {@code relay_ip}: the IPv4 address of the interface that carries the default
 * route, read from the kernel's routing table ({@code /proc/net/route}) without sending anything.
 */
final class DefaultRoute {

    private static final Path ROUTES = Path.of("/proc/net/route");
    private static final int RTF_UP = 0x1;

    private DefaultRoute() {
    }

    static Optional<InetAddress> address() throws IOException {
        Optional<String> device = interfaceName(Files.readString(ROUTES));
        return device.isEmpty() ? Optional.empty() : ipv4Of(device.get());
    }

    /** The interface of the usable default route with the lowest metric in a {@code /proc/net/route} table. */
    static Optional<String> interfaceName(String table) {
        String best = null;
        long bestMetric = Long.MAX_VALUE;
        for (String line : table.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 8 || !fields[1].equals("00000000") || !fields[7].equals("00000000")) {
                continue;
            }
            try {
                int flags = Integer.parseInt(fields[3], 16);
                long metric = Long.parseLong(fields[6]);
                if ((flags & RTF_UP) != 0 && metric < bestMetric) {
                    best = fields[0];
                    bestMetric = metric;
                }
            } catch (NumberFormatException e) {
                // The header line, or a format this code does not know: not a route to use.
            }
        }
        return Optional.ofNullable(best);
    }

    static Optional<InetAddress> ipv4Of(String device) throws SocketException {
        NetworkInterface network = NetworkInterface.getByName(device);
        if (network == null) {
            return Optional.empty();
        }
        return network.inetAddresses().filter(Inet4Address.class::isInstance).findFirst();
    }
}
