package org.mediaproxy.dispatcher;

import java.io.IOException;
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
 * Plays one OpenSIPS worker on the dispatcher socket with the JDK's UNIX socket channel: sends
 * request bytes, reads CR LF terminated reply lines with a deadline, notices when the dispatcher
 * closes the connection.
 */
final class OpenSipsTestClient implements AutoCloseable {

    /** What {@link #readLine} returns when the dispatcher closed the connection. */
    static final String CLOSED = "<closed>";

    private final SocketChannel channel;
    private final Selector selector;
    private final StringBuilder pending = new StringBuilder();
    private boolean closedByPeer;

    private OpenSipsTestClient(SocketChannel channel, Selector selector) {
        this.channel = channel;
        this.selector = selector;
    }

    static OpenSipsTestClient connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        channel.configureBlocking(false);
        Selector selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
        return new OpenSipsTestClient(channel, selector);
    }

    /** Sends a request and returns its reply line, or null when none came within {@code timeout}. */
    String request(String request, Duration timeout) throws IOException {
        send(request);
        return readLine(timeout);
    }

    void send(String bytes) throws IOException {
        send(bytes.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] bytes) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(bytes);
        while (out.hasRemaining()) {
            channel.write(out);
        }
    }

    /** The next reply line without CR LF, {@link #CLOSED} if the dispatcher closed, null on timeout. */
    String readLine(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteBuffer in = ByteBuffer.allocate(8192);
        while (true) {
            int end = pending.indexOf("\r\n");
            if (end >= 0) {
                String line = pending.substring(0, end);
                pending.delete(0, end + 2);
                return line;
            }
            if (closedByPeer) {
                return CLOSED;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            if (selector.select(Math.max(1, left / 1_000_000)) == 0) {
                continue;
            }
            selector.selectedKeys().clear();
            in.clear();
            int read;
            try {
                read = channel.read(in);
            } catch (IOException e) {
                read = -1; // reset by the dispatcher
            }
            if (read < 0) {
                closedByPeer = true;
            } else {
                pending.append(new String(in.array(), 0, read, StandardCharsets.UTF_8));
            }
        }
    }

    @Override
    public void close() throws IOException {
        selector.close();
        channel.close();
    }
}
