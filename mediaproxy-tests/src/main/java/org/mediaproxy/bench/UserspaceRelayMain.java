package org.mediaproxy.bench;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.mediaproxy.relay.forwarding.userspace.UserspaceEngine;
import org.mediaproxy.relay.session.Cidr;
import org.mediaproxy.relay.session.RelaySettings;
import org.mediaproxy.relay.session.SessionListener;
import org.mediaproxy.relay.session.SessionManager;

/**
 * The relay's media core in a JVM of its own — {@link SessionManager} with the userspace engine,
 * real clock and timers, the relay's defaults — taking the dispatcher's commands as UDP datagrams
 * on loopback ({@code command} line, then {@code name: value} lines; the reply is the payload the
 * relay would send back). The bench measures this process the way it measures rtpengine.
 *
 * <p>Usage: {@code UserspaceRelayMain CONTROL_PORT PORT_RANGE_START PORT_RANGE_END THREADS}
 */
public final class UserspaceRelayMain {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private UserspaceRelayMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: UserspaceRelayMain CONTROL_PORT PORT_RANGE_START PORT_RANGE_END THREADS");
            System.exit(2);
        }
        int controlPort = Integer.parseInt(args[0]);
        RelaySettings settings = new RelaySettings(LOOPBACK, Optional.empty(), false, Integer.parseInt(args[1]),
                Integer.parseInt(args[2]), Duration.ofSeconds(90), Duration.ofHours(2), Duration.ofSeconds(15), 1,
                List.of(Cidr.parse("127.0.0.0/8")), "bench");
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        try (UserspaceEngine engine = new UserspaceEngine(Integer.parseInt(args[3]));
                DatagramSocket control = new DatagramSocket(new InetSocketAddress(LOOPBACK, controlPort))) {
            SessionManager manager = new SessionManager(settings, engine, Clock.systemUTC(), timers, new SessionListener() {
                @Override
                public void expired(String dispatcher, String recordJson) {
                }

                @Override
                public void idle() {
                }
            });
            System.out.println("ready");
            System.out.flush();
            byte[] buffer = new byte[65536];
            while (true) {
                DatagramPacket request = new DatagramPacket(buffer, buffer.length);
                control.receive(request);
                String[] lines = new String(buffer, 0, request.getLength(), StandardCharsets.UTF_8).split("\r?\n");
                Map<String, String> headers = new LinkedHashMap<>();
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(": ");
                    if (colon > 0) {
                        headers.put(lines[i].substring(0, colon), lines[i].substring(colon + 2));
                    }
                }
                byte[] reply = manager.execute(lines[0], headers, "bench").getBytes(StandardCharsets.UTF_8);
                control.send(new DatagramPacket(reply, reply.length, request.getSocketAddress()));
            }
        } finally {
            timers.shutdownNow();
        }
    }
}
