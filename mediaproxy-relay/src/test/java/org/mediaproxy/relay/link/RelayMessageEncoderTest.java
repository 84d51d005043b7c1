package org.mediaproxy.relay.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RelayMessageEncoderTest {

    private final EmbeddedChannel channel = new EmbeddedChannel(new RelayMessageEncoder());

    private String written(RelayMessage message) {
        channel.writeOutbound(message);
        ByteBuf bytes = channel.readOutbound();
        try {
            return bytes.toString(StandardCharsets.UTF_8);
        } finally {
            bytes.release();
        }
    }

    @Test
    void replyIsSeqSpacePayload() {
        assertEquals("1 203.0.113.5 40002 40006\r\n", written(new CommandReply("1", "203.0.113.5 40002 40006")));
        assertEquals("0 []\r\n", written(new CommandReply("0", "[]")));
        assertEquals("5 error\r\n", written(new CommandReply("5", "error")));
    }

    @Test
    void expiredCarriesTheRecord() {
        assertEquals("expired {\"call_id\": \"x1@h\"}\r\n", written(new ExpiredNotice("{\"call_id\": \"x1@h\"}")));
    }

    @Test
    void pingIsAWord() {
        assertEquals("ping\r\n", written(Ping.INSTANCE));
    }

    @Test
    void textIsUtf8() {
        channel.writeOutbound(new CommandReply("2", "{\"ua\": \"caf\u00e9\"}"));
        ByteBuf bytes = channel.readOutbound();
        assertEquals("2 {\"ua\": \"café\"}\r\n".getBytes(StandardCharsets.UTF_8).length, bytes.readableBytes());
        bytes.release();
    }
}
