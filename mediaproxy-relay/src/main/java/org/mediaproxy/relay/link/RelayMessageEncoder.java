package org.mediaproxy.relay.link;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Writes {@link RelayMessage}s as the original relay does: {@code <seq> <payload>\r\n},
 * {@code expired <json>\r\n} and {@code ping\r\n}, UTF-8.
 */
@Sharable
public final class RelayMessageEncoder extends MessageToByteEncoder<RelayMessage> {

    public RelayMessageEncoder() {
        super(RelayMessage.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, RelayMessage message, ByteBuf out) {
        out.writeCharSequence(line(message), StandardCharsets.UTF_8);
        out.writeByte('\r').writeByte('\n');
    }

    private static String line(RelayMessage message) {
        if (message instanceof CommandReply reply) {
            return reply.seq() + " " + reply.payload();
        }
        if (message instanceof ExpiredNotice notice) {
            return "expired " + notice.recordJson();
        }
        return "ping";
    }
}
