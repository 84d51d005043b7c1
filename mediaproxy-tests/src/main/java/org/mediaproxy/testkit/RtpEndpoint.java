package org.mediaproxy.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.BitSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A SIP user agent's media socket: sends numbered RTP packets (or RTCP-sized ones) and records what
 * it receives — how many, from which source, and which sequence numbers, so tests and the demo can
 * prove media really crossed the relay and none was lost.
 */
public final class RtpEndpoint implements AutoCloseable {

    public static final int RTP_PAYLOAD = 160; // 20 ms of G.711
    private static final int RTP_HEADER = 12;

    private final DatagramChannel channel;
    private final Thread receiver;
    private final AtomicLong received = new AtomicLong();
    private final BitSet sequences = new BitSet();
    private final Set<SocketAddress> sources = ConcurrentHashMap.newKeySet();
    private final ByteBuffer out = ByteBuffer.allocate(RTP_HEADER + RTP_PAYLOAD);
    private int nextSequence;
    private final int ssrc;

    private RtpEndpoint(DatagramChannel channel, int ssrc) {
        this.channel = channel;
        this.ssrc = ssrc;
        this.receiver = new Thread(this::receive, "rtp-endpoint-" + channel.socket().getLocalPort());
        receiver.setDaemon(true);
        receiver.start();
    }

    public static RtpEndpoint bind(InetSocketAddress local) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
        channel.bind(local);
        return new RtpEndpoint(channel, local.getPort() * 7919);
    }

    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /** Sends the next RTP packet with the given payload type to {@code destination}. */
    public void sendRtp(InetSocketAddress destination, int payloadType) throws IOException {
        int sequence = nextSequence++;
        out.clear();
        out.put((byte) 0x80).put((byte) (payloadType & 0x7f)).putShort((short) sequence)
                .putInt(sequence * RTP_PAYLOAD).putInt(ssrc);
        while (out.position() < out.capacity()) {
            out.put((byte) 0xd5);
        }
        out.flip();
        channel.send(out, destination);
    }

    /** Sends a small RTCP-like datagram (receiver report sized) to {@code destination}. */
    public void sendRtcp(InetSocketAddress destination) throws IOException {
        ByteBuffer report = ByteBuffer.allocate(32);
        report.put((byte) 0x81).put((byte) 201).putShort((short) 7).putInt(ssrc);
        report.position(report.capacity());
        report.flip();
        channel.send(report, destination);
    }

    private void receive() {
        ByteBuffer in = ByteBuffer.allocate(2048);
        while (channel.isOpen()) {
            try {
                in.clear();
                SocketAddress source = channel.receive(in);
                if (source == null) {
                    continue;
                }
                sources.add(source);
                received.incrementAndGet();
                if (in.position() >= RTP_HEADER && (in.get(0) & 0xc0) == 0x80 && (in.get(1) & 0xff) < 200) {
                    synchronized (sequences) {
                        sequences.set(in.getShort(2) & 0xffff);
                    }
                }
            } catch (IOException closed) {
                return;
            }
        }
    }

    public long received() {
        return received.get();
    }

    public Set<SocketAddress> sources() {
        return Set.copyOf(sources);
    }

    /** Sequence numbers below {@code sent} that never arrived. */
    public int missingBelow(int sent) {
        synchronized (sequences) {
            return sent - sequences.get(0, sent).cardinality();
        }
    }

    public int sent() {
        return nextSequence;
    }

    @Override
    public void close() throws IOException {
        channel.close();
        try {
            receiver.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
