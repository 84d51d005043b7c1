package org.mediaproxy.testkit;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Plays the OpenSIPS {@code mediaproxy} module on the dispatcher's UNIX socket: one persistent
 * connection, one request at a time, a reply is everything up to the first CRLF, and the module's
 * patience ({@code mediaproxy_timeout}) bounds every wait.
 */
public final class OpenSipsClient implements AutoCloseable {

    private final SocketChannel channel;
    private final Selector selector;
    private final Duration timeout;

    private OpenSipsClient(SocketChannel channel, Selector selector, Duration timeout) {
        this.channel = channel;
        this.selector = selector;
        this.timeout = timeout;
    }

    public static OpenSipsClient connect(Path socket, Duration timeout) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        channel.configureBlocking(false);
        Selector selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
        return new OpenSipsClient(channel, selector, timeout);
    }

    /** Sends one complete request (text already CRLF-framed) and returns the reply line without CRLF. */
    public String send(String request) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            channel.write(out);
        }
        return readLine();
    }

    private String readLine() throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        StringBuilder reply = new StringBuilder();
        ByteBuffer in = ByteBuffer.allocate(8192);
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || selector.select(Math.max(1, left / 1_000_000)) == 0) {
                if (System.nanoTime() >= deadline) {
                    throw new SocketTimeoutException("no reply from the dispatcher within " + timeout.toMillis() + " ms");
                }
                continue;
            }
            selector.selectedKeys().clear();
            in.clear();
            int read = channel.read(in);
            if (read < 0) {
                throw new IOException("the dispatcher closed the connection");
            }
            reply.append(new String(in.array(), 0, read, StandardCharsets.UTF_8));
            int end = reply.indexOf("\r\n");
            if (end >= 0) {
                return reply.substring(0, end);
            }
        }
    }

    @Override
    public void close() throws IOException {
        selector.close();
        channel.close();
    }
}
