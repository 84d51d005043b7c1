package org.mediaproxy.relay.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mediaproxy.common.testing.WireTranscript;

/**
 * Replays the relay's side of a call recorded with the original MediaProxy 4.1.2: the bytes it
 * received decode to the commands it answered, and our encoder writes exactly the bytes it sent.
 */
class WireTranscriptCodecTest {

    @Test
    void originalRelayBytesRoundTrip() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(new DispatcherMessageDecoder(), new RelayMessageEncoder());
        Deque<DispatcherCommand> pending = new ArrayDeque<>();
        List<DispatcherCommand> all = new ArrayList<>();
        int pongs = 0;
        int replies = 0;
        int expired = 0;
        int pings = 0;

        for (WireTranscript.Message message : WireTranscript.relaySide()) {
            if (message.received()) {
                channel.writeInbound(Unpooled.wrappedBuffer(message.bytes()));
                for (Object decoded; (decoded = channel.readInbound()) != null;) {
                    if (decoded == Pong.INSTANCE) {
                        pongs++;
                    } else {
                        pending.add((DispatcherCommand) decoded);
                        all.add((DispatcherCommand) decoded);
                    }
                }
                continue;
            }
            String text = message.text();
            RelayMessage reply;
            if (text.equals("ping\r\n")) {
                reply = Ping.INSTANCE;
                pings++;
            } else if (text.startsWith("expired ")) {
                reply = new ExpiredNotice(text.substring("expired ".length(), text.length() - 2));
                expired++;
            } else {
                DispatcherCommand answered = pending.remove();
                String seq = text.substring(0, text.indexOf(' '));
                assertEquals(answered.seq(), seq, "replies come in command order");
                reply = new CommandReply(answered.seq(), text.substring(seq.length() + 1, text.length() - 2));
                replies++;
            }
            channel.writeOutbound(reply);
            ByteBuf written = channel.readOutbound();
            assertArrayEquals(message.bytes(), ByteBufUtil.getBytes(written), "bytes of " + text.strip());
            written.release();
        }

        assertTrue(pending.isEmpty());
        assertEquals(16, all.size());
        assertEquals(16, replies);
        assertEquals(1, pings);
        assertEquals(1, pongs);
        assertEquals(1, expired);
        for (int seq = 0; seq < all.size(); seq++) {
            assertEquals(String.valueOf(seq), all.get(seq).seq());
        }
        DispatcherCommand update = all.get(1);
        assertEquals("update", update.name());
        assertEquals(List.of("type", "dialog_id", "call_id", "cseq", "from_uri", "to_uri", "from_tag", "user_agent",
                "signaling_ip", "media"), new ArrayList<>(update.headers().keySet()));
        assertEquals("audio:198.18.1.2:4000:sendrecv:ice=no", update.headers().get("media"));
        assertEquals("Pc0onxU6jH9424xW2vXM@198.18.1.2", update.headers().get("call_id"));
        DispatcherCommand remove = all.get(5);
        assertEquals("remove", remove.name());
        assertEquals(List.of("call_id", "from_tag", "to_tag"), new ArrayList<>(remove.headers().keySet()));
        assertFalse(channel.finish());
    }
}
