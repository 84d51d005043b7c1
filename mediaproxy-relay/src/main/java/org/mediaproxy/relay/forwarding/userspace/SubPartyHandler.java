package org.mediaproxy.relay.forwarding.userspace;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import org.mediaproxy.relay.forwarding.Party;
import org.mediaproxy.relay.forwarding.SubstreamForwarding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Packet path of one relay socket (one party's side of one substream). Per datagram: read eight
 * header bytes, ask the substream for a verdict, then hand the received buffer itself to the
 * other party's socket (no copy) or release it. Writes are flushed once per read batch.
 */
final class SubPartyHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(SubPartyHandler.class);

    private final UserspaceStream stream;
    private final SubstreamForwarding substream;
    private final Party party;
    private Channel pendingFlush;

    SubPartyHandler(UserspaceStream stream, SubstreamForwarding substream, Party party) {
        this.stream = stream;
        this.substream = substream;
        this.party = party;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        stream.attach(substream.kind(), party, ctx.channel());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stream.detach(substream.kind(), party, ctx.channel());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        DatagramPacket packet = (DatagramPacket) msg;
        ByteBuf content = packet.content();
        int length = content.readableBytes();
        switch (substream.receive(party, packet.sender(), length, head(content, length))) {
            case FORWARD -> forward(content, length);
            case QUEUE -> stream.queue(substream.kind(), party.other(), content);
            default -> content.release();
        }
    }

    private void forward(ByteBuf content, int length) {
        Party towards = party.other();
        Channel out = stream.channel(substream.kind(), towards);
        InetSocketAddress destination = substream.destination(towards);
        if (out == null || destination == null || !out.isWritable()) {
            content.release();
            return;
        }
        out.write(new DatagramPacket(content, destination), out.voidPromise());
        substream.relayed(party, length);
        pendingFlush = out;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (pendingFlush != null) {
            pendingFlush.flush();
            pendingFlush = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Typical: ICMP errors surfacing on send/receive. UDP carries on; never close the socket.
        LOG.debug("UDP socket {}: {}", ctx.channel().localAddress(), cause.toString());
    }

    private static long head(ByteBuf content, int length) {
        int start = content.readerIndex();
        if (length >= 8) {
            return content.getLong(start);
        }
        long head = 0;
        for (int i = 0; i < 8; i++) {
            head = (head << 8) | (i < length ? content.getUnsignedByte(start + i) : 0);
        }
        return head;
    }
}
