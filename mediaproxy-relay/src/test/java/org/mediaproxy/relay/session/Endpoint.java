package org.mediaproxy.relay.session;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Arrays;

/** A SIP user agent's media socket on 127.0.0.1, sending to and receiving from the relay. */
public final class Endpoint implements AutoCloseable {

    /** One received datagram. */
    public record Received(byte[] data, InetSocketAddress source) {
    }

    private final DatagramChannel channel;

    public Endpoint() throws IOException {
        channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    public int port() {
        return address().getPort();
    }

    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public void send(byte[] data, int relayPort) throws IOException {
        channel.send(ByteBuffer.wrap(data), new InetSocketAddress(InetAddress.getLoopbackAddress(), relayPort));
    }

    /** The next datagram, or null if none arrives within {@code timeout}. */
    public Received receive(Duration timeout) throws IOException {
        channel.socket().setSoTimeout((int) timeout.toMillis());
        java.net.DatagramPacket packet = new java.net.DatagramPacket(new byte[4096], 4096);
        try {
            channel.socket().receive(packet);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return new Received(Arrays.copyOf(packet.getData(), packet.getLength()),
                (InetSocketAddress) packet.getSocketAddress());
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** An RTP packet (version 2) with payload type {@code pt} and {@code payload} bytes after the 12-byte header. */
    public static byte[] rtp(int pt, int sequence, int payload) {
        byte[] packet = new byte[12 + payload];
        packet[0] = (byte) 0x80;
        packet[1] = (byte) pt;
        packet[2] = (byte) (sequence >> 8);
        packet[3] = (byte) sequence;
        packet[11] = 1;
        return packet;
    }

    /** An RTCP receiver report (PT 201), 8 bytes. */
    public static byte[] rtcp() {
        return new byte[] {(byte) 0x80, (byte) 201, 0, 1, 0, 0, 0, 1};
    }

    /** A STUN Binding Request with a 20-byte header and {@code id} as its first transaction-id byte. */
    public static byte[] stunBindingRequest(int id) {
        byte[] packet = new byte[20];
        packet[1] = 0x01;
        packet[4] = 0x21;
        packet[5] = 0x12;
        packet[6] = (byte) 0xA4;
        packet[7] = 0x42;
        packet[8] = (byte) id;
        return packet;
    }
}
