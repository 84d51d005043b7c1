package org.mediaproxy.relay.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/** Small blocking UDP helpers for tests. */
public final class Datagrams {

    /** One received datagram. */
    public record Datagram(InetSocketAddress source, byte[] payload) {
    }

    private Datagrams() {
    }

    public static void send(DatagramChannel channel, byte[] payload, InetSocketAddress target) {
        try {
            channel.send(ByteBuffer.wrap(payload), target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits up to {@code timeout} for one datagram. */
    public static Optional<Datagram> receive(DatagramChannel channel, Duration timeout) {
        try {
            var socket = channel.socket();
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
            socket.receive(packet);
            return Optional.of(new Datagram((InetSocketAddress) packet.getSocketAddress(),
                    Arrays.copyOf(packet.getData(), packet.getLength())));
        } catch (SocketTimeoutException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
