package org.mediaproxy.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Plays {@code N} calls through a relay: each call has a caller and a callee socket, and each sends
 * one 172-byte RTP packet (12-byte header + 20 ms of G.711) every 20 ms towards the relay, so a
 * stream carries 100 packets/s through the relay. Two threads do all the work: one sender that
 * paces the streams over 1 ms slots (no bursts of the whole population at once), and one receiver
 * draining every ready socket through a single selector.
 *
 * <p>Packets are numbered per stream; packet {@code k} of every stream is sent in tick {@code k}.
 * The first ticks warm the relay up (latching, JIT); the measurement window is a range of packet
 * numbers, so "sent in the window" and "received of those" are exact, whatever arrives when.
 * At the window's edges the sender samples the relay's CPU time and the generator's own.
 */
final class LoadGenerator implements AutoCloseable {

    static final int PACKET_SIZE = 172;
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final int SLOTS = 20;
    private static final long SLOT_NANOS = TICK_NANOS / SLOTS;
    private static final int CALLER = 0;
    private static final int CALLEE = 1;

    /** What one run measured. Directions: 0 = caller to callee, 1 = callee to caller. */
    record Result(int streams, long windowNanos, long sentPerDirection, long[] receivedInWindow, long misrouted,
            long sendFailures, long relayCpuNanos, long generatorCpuNanos) {

        long forwarded() {
            return receivedInWindow[0] + receivedInWindow[1];
        }

        double lossPercent(int direction) {
            return sentPerDirection == 0 ? 0 : 100.0 * (sentPerDirection - receivedInWindow[direction]) / sentPerDirection;
        }

        double forwardedPerSecond() {
            return forwarded() * 1e9 / windowNanos;
        }

        double relayMicrosPerPacket() {
            return forwarded() == 0 ? Double.NaN : relayCpuNanos / 1000.0 / forwarded();
        }

        double generatorMicrosPerPacket() {
            return forwarded() == 0 ? Double.NaN : generatorCpuNanos / 1000.0 / forwarded();
        }
    }

    private final List<DatagramChannel[]> endpoints = new ArrayList<>();

    /** Binds a caller and a callee socket on {@code ip} (ephemeral ports) for each of {@code streams}. */
    LoadGenerator(String ip, int streams) throws IOException {
        try {
            for (int i = 0; i < streams; i++) {
                endpoints.add(new DatagramChannel[] {open(ip), open(ip)});
            }
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private static DatagramChannel open(String ip) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 256 * 1024);
        channel.bind(new InetSocketAddress(ip, 0));
        channel.configureBlocking(false);
        return channel;
    }

    int streams() {
        return endpoints.size();
    }

    InetSocketAddress caller(int stream) throws IOException {
        return (InetSocketAddress) endpoints.get(stream)[CALLER].getLocalAddress();
    }

    InetSocketAddress callee(int stream) throws IOException {
        return (InetSocketAddress) endpoints.get(stream)[CALLEE].getLocalAddress();
    }

    /**
     * Sends the load: {@code warmupTicks} ticks, then {@code windowTicks} measured ticks, then waits
     * {@code drainMillis} for stragglers. {@code relayCpuNanos} is sampled at the window's edges.
     */
    Result run(List<StreamRoute> routes, int warmupTicks, int windowTicks, long drainMillis, LongSupplier relayCpuNanos)
            throws IOException, InterruptedException {
        if (routes.size() != endpoints.size()) {
            throw new IllegalArgumentException(routes.size() + " routes for " + endpoints.size() + " streams");
        }
        for (int i = 0; i < routes.size(); i++) {
            // Connected sockets: cheaper sends, and only the relay port we were told about gets through.
            endpoints.get(i)[CALLER].connect(routes.get(i).callerSendsTo());
            endpoints.get(i)[CALLEE].connect(routes.get(i).calleeSendsTo());
        }
        Receiver receiver = new Receiver(warmupTicks, warmupTicks + windowTicks);
        Thread receiving = new Thread(receiver, "load-receiver");
        receiving.start();
        Sent sent;
        try {
            sent = send(receiving.getId(), warmupTicks, windowTicks, relayCpuNanos);
            Thread.sleep(drainMillis);
        } finally {
            receiver.stop();
            receiving.join();
        }
        return new Result(endpoints.size(), sent.windowNanos, (long) endpoints.size() * windowTicks,
                receiver.receivedInWindow, receiver.misrouted, sent.failures, sent.relayCpuNanos, sent.generatorCpuNanos);
    }

    private record Sent(long windowNanos, long failures, long relayCpuNanos, long generatorCpuNanos) {
    }

    private Sent send(long receiverThread, int warmupTicks, int windowTicks, LongSupplier relayCpuNanos)
            throws IOException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        ByteBuffer packet = ByteBuffer.allocateDirect(PACKET_SIZE);
        packet.put(0, (byte) 0x80); // RTP version 2, no padding/extension/CSRC
        packet.put(1, (byte) 0); // payload type 0 (PCMU)
        for (int i = 16; i < PACKET_SIZE; i++) {
            packet.put(i, (byte) 0xd5); // G.711 A-law silence pattern
        }
        int endTick = warmupTicks + windowTicks;
        long failures = 0;
        long relayCpuStart = 0;
        long generatorCpuStart = 0;
        long windowStart = 0;
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
        for (int tick = 0; tick < endTick; tick++) {
            if (tick == warmupTicks) {
                windowStart = System.nanoTime();
                relayCpuStart = relayCpuNanos.getAsLong();
                generatorCpuStart = threads.getCurrentThreadCpuTime() + threads.getThreadCpuTime(receiverThread);
            }
            // Header: sequence number, timestamp (160 samples per packet); payload starts with the packet number.
            packet.putShort(2, (short) tick).putInt(4, tick * 160).putInt(12, tick);
            for (int slot = 0; slot < SLOTS; slot++) {
                awaitNanoTime(start + tick * TICK_NANOS + slot * SLOT_NANOS);
                for (int stream = slot; stream < endpoints.size(); stream += SLOTS) {
                    DatagramChannel[] pair = endpoints.get(stream);
                    for (int side = CALLER; side <= CALLEE; side++) {
                        packet.putInt(8, stream << 1 | side).clear(); // SSRC names stream and sender
                        if (!write(pair[side], packet)) {
                            failures++;
                        }
                    }
                }
            }
        }
        long windowEnd = System.nanoTime();
        long relayCpu = relayCpuNanos.getAsLong() - relayCpuStart;
        long generatorCpu = threads.getCurrentThreadCpuTime() + threads.getThreadCpuTime(receiverThread) - generatorCpuStart;
        return new Sent(windowEnd - windowStart, failures, relayCpu, generatorCpu);
    }

    /** False when the kernel had no room for the datagram or reported an earlier one unreachable. */
    private static boolean write(DatagramChannel channel, ByteBuffer packet) throws IOException {
        try {
            return channel.write(packet) > 0;
        } catch (PortUnreachableException e) {
            return false;
        }
    }

    private static void awaitNanoTime(long due) {
        long left;
        while ((left = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    /** Drains all sockets; counts packets of the window per direction and packets arriving at the wrong socket. */
    private final class Receiver implements Runnable {
        private final int windowStart;
        private final int windowEnd;
        final long[] receivedInWindow = new long[2];
        long misrouted;
        private volatile boolean running = true;

        Receiver(int windowStart, int windowEnd) {
            this.windowStart = windowStart;
            this.windowEnd = windowEnd;
        }

        void stop() {
            running = false;
        }

        @Override
        public void run() {
            ByteBuffer in = ByteBuffer.allocateDirect(2048);
            try (Selector selector = Selector.open()) {
                for (int stream = 0; stream < endpoints.size(); stream++) {
                    for (int side = CALLER; side <= CALLEE; side++) {
                        // The packet expected here comes from the other side of the same stream.
                        endpoints.get(stream)[side].register(selector, SelectionKey.OP_READ, stream << 1 | (1 - side));
                    }
                }
                while (running) {
                    selector.select(key -> drain(key, in), 100);
                }
            } catch (IOException e) {
                throw new IllegalStateException("load receiver failed", e);
            }
        }

        /**
         * Reads one datagram per readiness: a stream socket rarely holds more than one, and the
         * selector is level-triggered, so a second read would mostly just return "nothing".
         */
        private void drain(SelectionKey key, ByteBuffer in) {
            DatagramChannel channel = (DatagramChannel) key.channel();
            int expectedSsrc = (Integer) key.attachment();
            in.clear();
            int length;
            try {
                length = channel.read(in);
            } catch (IOException e) {
                return; // ICMP port unreachable from an earlier send surfaces here on connected sockets
            }
            if (length <= 0) {
                return;
            }
            if (length != PACKET_SIZE || in.getInt(8) != expectedSsrc) {
                misrouted++;
            } else {
                int number = in.getInt(12);
                if (number >= windowStart && number < windowEnd) {
                    receivedInWindow[expectedSsrc & 1]++;
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        for (DatagramChannel[] pair : endpoints) {
            for (DatagramChannel channel : pair) {
                if (channel != null) {
                    channel.close();
                }
            }
        }
    }
}
