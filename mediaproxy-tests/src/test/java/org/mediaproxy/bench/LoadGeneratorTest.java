package org.mediaproxy.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/** The generator's counts through a small real UDP relay running in the test, lossless and lossy. */
class LoadGeneratorTest {

    private static final int STREAMS = 12;
    private static final int WARMUP = 10;
    private static final int WINDOW = 25;

    @Test
    void countsEveryPacketOfTheWindowBothWaysThroughALosslessRelay() throws Exception {
        LoadGenerator.Result result = runThrough(number -> false);
        assertEquals((long) STREAMS * WINDOW, result.sentPerDirection());
        assertEquals(result.sentPerDirection(), result.receivedInWindow()[0]);
        assertEquals(result.sentPerDirection(), result.receivedInWindow()[1]);
        assertEquals(0, result.misrouted());
        assertEquals(0, result.sendFailures());
        assertEquals(0.0, result.lossPercent(0));
        assertTrue(result.windowNanos() >= (WINDOW - 1) * LoadGenerator.TICK_NANOS, "window lasts its ticks");
        assertTrue(result.generatorCpuNanos() > 0, "the generator measures its own threads");
    }

    @Test
    void reportsExactlyThePacketsARelayDropsInOneDirection() throws Exception {
        // Packets 10, 15, 20, 25, 30 of every stream's caller: 5 of the 25 in the window.
        LoadGenerator.Result result = runThrough(number -> number % 5 == 0);
        assertEquals(20.0, result.lossPercent(0), 1e-9);
        assertEquals(0.0, result.lossPercent(1));
    }

    private static LoadGenerator.Result runThrough(IntPredicate dropFromCaller) throws Exception {
        try (LoadGenerator generator = new LoadGenerator("127.0.0.1", STREAMS);
                TestRelay relay = new TestRelay(STREAMS, dropFromCaller)) {
            List<StreamRoute> routes = new ArrayList<>();
            for (int i = 0; i < STREAMS; i++) {
                routes.add(relay.route(i));
            }
            Thread relaying = new Thread(relay, "test-relay");
            relaying.start();
            try {
                return generator.run(routes, WARMUP, WINDOW, 200, () -> ProcessCpu.nanos(ProcessHandle.current().pid()));
            } finally {
                relay.stop();
                relaying.join();
            }
        }
    }

    /** Symmetric-latching relay on one thread: socket 2i faces stream i's caller, 2i+1 its callee. */
    private static final class TestRelay implements Runnable, AutoCloseable {
        private final List<DatagramChannel> sockets = new ArrayList<>();
        private final SocketAddress[] peers;
        private final IntPredicate dropFromCaller;
        private final Selector selector;
        private volatile boolean running = true;

        TestRelay(int streams, IntPredicate dropFromCaller) throws IOException {
            this.dropFromCaller = dropFromCaller;
            this.peers = new SocketAddress[2 * streams];
            this.selector = Selector.open();
            for (int i = 0; i < 2 * streams; i++) {
                DatagramChannel socket = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                socket.configureBlocking(false);
                socket.register(selector, SelectionKey.OP_READ, i);
                sockets.add(socket);
            }
        }

        StreamRoute route(int stream) throws IOException {
            return new StreamRoute((InetSocketAddress) sockets.get(2 * stream).getLocalAddress(),
                    (InetSocketAddress) sockets.get(2 * stream + 1).getLocalAddress());
        }

        void stop() {
            running = false;
            selector.wakeup();
        }

        @Override
        public void run() {
            ByteBuffer buffer = ByteBuffer.allocate(2048);
            try {
                while (running) {
                    selector.select(key -> {
                        int index = (Integer) key.attachment();
                        try {
                            buffer.clear();
                            SocketAddress source = sockets.get(index).receive(buffer);
                            if (source == null) {
                                return;
                            }
                            if (peers[index] == null) {
                                peers[index] = source;
                            }
                            buffer.flip();
                            boolean fromCaller = index % 2 == 0;
                            if (peers[index ^ 1] != null && !(fromCaller && dropFromCaller.test(buffer.getInt(12)))) {
                                sockets.get(index ^ 1).send(buffer, peers[index ^ 1]);
                            }
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }, 100);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() throws IOException {
            selector.close();
            for (DatagramChannel socket : sockets) {
                socket.close();
            }
        }
    }
}
