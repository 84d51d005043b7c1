package org.mediaproxy.relay.forwarding.userspace;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.mediaproxy.relay.forwarding.Party;
import org.mediaproxy.relay.forwarding.StreamForwarding;
import org.mediaproxy.relay.forwarding.StreamSockets;
import org.mediaproxy.relay.forwarding.SubstreamKind;
import org.mediaproxy.relay.forwarding.SubstreamForwarding;

/**
 * The four epoll UDP sockets of one stream, all registered on one event loop. Every field below
 * is touched on that loop only.
 */
final class UserspaceStream implements StreamSockets {

    /** STUN messages kept per direction while no destination is known; more are dropped. */
    static final int STUN_QUEUE_LIMIT = 16;

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final StreamForwarding stream;
    /** [kind][party] → the socket that party sends that substream to. */
    private final Channel[][] channels = new Channel[2][2];
    /** [kind][party] → STUN waiting for a destination towards that party. */
    private final ArrayDeque<?>[][] stunQueues = new ArrayDeque<?>[2][2];
    private boolean closed;

    UserspaceStream(EventLoop loop, Bootstrap bootstrap, StreamForwarding stream) {
        this.loop = loop;
        this.bootstrap = bootstrap;
        this.stream = stream;
    }

    @Override
    public void bind(Party party, InetAddress ip, int rtpPort) throws IOException {
        Channel rtp = bindOne(SubstreamKind.RTP, party, new InetSocketAddress(ip, rtpPort));
        try {
            bindOne(SubstreamKind.RTCP, party, new InetSocketAddress(ip, rtpPort + 1));
        } catch (IOException e) {
            rtp.close().awaitUninterruptibly();
            throw e;
        }
    }

    private Channel bindOne(SubstreamKind kind, Party party, InetSocketAddress address) throws IOException {
        // A socket of the address's own family: no IPv4-mapped addresses on the packet path.
        SocketProtocolFamily family = address.getAddress() instanceof Inet6Address
                ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
        ChannelFuture future = bootstrap.clone(loop)
                .channelFactory(() -> new EpollDatagramChannel(family))
                .handler(new SubPartyHandler(this, stream.substream(kind), party))
                .bind(address)
                .awaitUninterruptibly();
        if (!future.isSuccess()) {
            BindException failure = new BindException("cannot bind " + address.getAddress().getHostAddress()
                    + ":" + address.getPort() + ": " + future.cause().getMessage());
            failure.initCause(future.cause());
            throw failure;
        }
        return future.channel();
    }

    /** Called on the loop when a socket became active (bound). */
    void attach(SubstreamKind kind, Party party, Channel channel) {
        if (closed) {
            channel.close();
        } else {
            channels[kind.ordinal()][party.ordinal()] = channel;
        }
    }

    /** Called on the loop when a socket closed. */
    void detach(SubstreamKind kind, Party party, Channel channel) {
        if (channels[kind.ordinal()][party.ordinal()] == channel) {
            channels[kind.ordinal()][party.ordinal()] = null;
        }
    }

    /** The socket {@code party} talks to for {@code kind}: packets towards that party leave from it. */
    Channel channel(SubstreamKind kind, Party party) {
        return channels[kind.ordinal()][party.ordinal()];
    }

    @Override
    public void runAndWait(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                try {
                    task.run();
                    done.complete(null);
                } catch (Throwable t) {
                    done.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            // The engine is shut down: no loop thread can touch this stream any more.
            task.run();
            return;
        }
        done.join();
    }

    /** Keeps a STUN message (copied to a right-sized buffer) until a destination towards {@code towards} exists. */
    @SuppressWarnings("unchecked")
    void queue(SubstreamKind kind, Party towards, ByteBuf content) {
        ArrayDeque<ByteBuf> queue = (ArrayDeque<ByteBuf>) stunQueues[kind.ordinal()][towards.ordinal()];
        if (queue == null) {
            queue = new ArrayDeque<>(4);
            stunQueues[kind.ordinal()][towards.ordinal()] = queue;
        }
        if (closed || queue.size() >= STUN_QUEUE_LIMIT) {
            content.release();
            return;
        }
        // The received buffer is a slice of a 2 KB receive buffer; don't pin that.
        ByteBuf copy = content.alloc().directBuffer(content.readableBytes());
        copy.writeBytes(content);
        content.release();
        queue.add(copy);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void flushQueued(SubstreamKind kind, Party towards) {
        ArrayDeque<ByteBuf> queue = (ArrayDeque<ByteBuf>) stunQueues[kind.ordinal()][towards.ordinal()];
        if (queue == null || queue.isEmpty()) {
            return;
        }
        SubstreamForwarding substream = stream.substream(kind);
        Channel out = channel(kind, towards);
        InetSocketAddress destination = substream.destination(towards);
        if (out == null || destination == null) {
            return;
        }
        ByteBuf packet;
        while ((packet = queue.poll()) != null) {
            int length = packet.readableBytes();
            out.write(new DatagramPacket(packet, destination), out.voidPromise());
            substream.relayed(towards.other(), length);
        }
        out.flush();
    }

    @Override
    public void close() {
        runAndWait(this::closeOnLoop);
    }

    private void closeOnLoop() {
        if (closed) {
            return;
        }
        closed = true;
        for (Channel[] byParty : channels) {
            for (int i = 0; i < byParty.length; i++) {
                if (byParty[i] != null) {
                    // On the loop, close() releases the socket before returning.
                    byParty[i].close();
                    byParty[i] = null;
                }
            }
        }
        for (ArrayDeque<?>[] byParty : stunQueues) {
            for (ArrayDeque<?> queue : byParty) {
                if (queue != null) {
                    queue.forEach(packet -> ((ByteBuf) packet).release());
                    queue.clear();
                }
            }
        }
    }
}
