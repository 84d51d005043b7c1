package org.mediaproxy.relay.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.mediaproxy.relay.forwarding.ForwardingEvents;
import org.mediaproxy.relay.forwarding.Party;
import org.mediaproxy.relay.forwarding.StreamForwarding;
import org.mediaproxy.relay.forwarding.SubstreamKind;
import org.mediaproxy.relay.forwarding.kernel.KernelForwardingEngine;
import org.mediaproxy.relay.forwarding.kernel.KernelOptions;

/**
 * A stand-alone process running the kernel engine with {@code STREAMS} streams on fixed ports of
 * {@link NetnsFixture#RELAY_IP}: stream {@code i} has its caller side on {@code 40000+4i} and its
 * callee side on {@code 40002+4i} (RTCP on the odd ports). Start it inside the relay namespace
 * ({@link Namespace#command}); it prints {@code ready} once the sockets are bound and closes the
 * engine (deleting its entries) when its standard input ends. Killing it instead leaves its
 * entries and table behind, as a crash would. Used by the crash test and {@code kernel-bench}.
 */
public final class KernelRelayProcess {

    public static final int FIRST_PORT = 40000;

    private KernelRelayProcess() {
    }

    /**
     * The command line that starts it with this JVM and class path, for {@link Namespace#command};
     * append the stream count.
     */
    public static List<String> command() {
        String java = ProcessHandle.current().info().command().orElse("java");
        return List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                KernelRelayProcess.class.getName());
    }

    public static void main(String[] args) throws Exception {
        int streams = Integer.parseInt(args[0]);
        KernelForwardingEngine engine = KernelForwardingEngine.start(KernelOptions.defaults().withSelfTest(false), 1);
        List<StreamForwarding> open = new ArrayList<>();
        InetAddress relay = NetnsFixture.RELAY_IP;
        for (int i = 0; i < streams; i++) {
            StreamForwarding stream = new StreamForwarding(engine, Clock.systemUTC(), 1, new ForwardingEvents() {
                @Override
                public void firstMedia(SubstreamKind kind, Party party) {
                }

                @Override
                public void offloadExpired(SubstreamKind kind, int timeoutWait) {
                }
            });
            stream.bind(Party.CALLER, relay, FIRST_PORT + 4 * i);
            stream.bind(Party.CALLEE, relay, FIRST_PORT + 4 * i + 2);
            open.add(stream);
        }
        System.out.println("ready");
        System.out.flush();
        drain(System.in);
        open.forEach(StreamForwarding::close);
        engine.close();
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[256];
        while (in.read(buffer) >= 0) {
            // wait for the end of input
        }
    }
}
