package org.mediaproxy.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A minimal client of rtpengine's ng control protocol: one UDP datagram per request,
 * {@code <cookie> <bencoded dictionary>}, answered by a datagram with the same cookie. Enough for
 * {@code ping}, {@code offer}, {@code answer} and {@code delete}.
 */
final class NgClient implements AutoCloseable {

    private final DatagramChannel channel;
    private final Selector selector;
    private final Duration timeout;
    private final ByteBuffer in = ByteBuffer.allocate(65536);
    private long nextCookie;

    NgClient(InetSocketAddress server, Duration timeout) throws IOException {
        this.channel = DatagramChannel.open();
        channel.connect(server);
        channel.configureBlocking(false);
        this.selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
        this.timeout = timeout;
    }

    /** Sends {@code command} with {@code arguments} and returns the reply dictionary; an error reply throws. */
    Map<String, Object> request(String command, Map<String, Object> arguments) throws IOException {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("command", command);
        message.putAll(arguments);
        String cookie = Long.toString(nextCookie++);
        byte[] body = Bencode.encode(message);
        ByteBuffer out = ByteBuffer.allocate(cookie.length() + 1 + body.length);
        out.put((cookie + " ").getBytes(StandardCharsets.US_ASCII)).put(body).flip();
        channel.write(out);
        Map<String, Object> reply = awaitReply(cookie);
        Object result = reply.get("result");
        if (!"ok".equals(result) && !"pong".equals(result)) {
            throw new IOException("rtpengine refused " + command + ": " + result + " " + reply.getOrDefault("error-reason", ""));
        }
        return reply;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> awaitReply(String cookie) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new SocketTimeoutException("no ng reply within " + timeout.toMillis() + " ms");
            }
            selector.select(left);
            selector.selectedKeys().clear();
            in.clear();
            if (channel.read(in) <= 0) {
                continue;
            }
            byte[] datagram = Arrays.copyOf(in.array(), in.position());
            int space = indexOf(datagram, (byte) ' ');
            if (space < 0 || !cookie.equals(new String(datagram, 0, space, StandardCharsets.US_ASCII))) {
                continue; // a late reply to an earlier request
            }
            Object reply = Bencode.decode(datagram, space + 1);
            if (!(reply instanceof Map)) {
                throw new IOException("ng reply is not a dictionary");
            }
            return (Map<String, Object>) reply;
        }
    }

    private static int indexOf(byte[] data, byte value) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] == value) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        selector.close();
        channel.close();
    }
}
