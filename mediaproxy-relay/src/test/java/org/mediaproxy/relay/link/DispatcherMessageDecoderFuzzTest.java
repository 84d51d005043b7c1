package org.mediaproxy.relay.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mediaproxy.common.testing.NettyLeaks;

/**
 * Arbitrary bytes from a dispatcher, in arbitrary read sizes, through the relay's decoder:
 * nothing escapes it, no buffer leaks, every message is a well-formed command, and unless the
 * connection was closed for an oversized line the decoder still reads a following command.
 */
class DispatcherMessageDecoderFuzzTest {

    static {
        NettyLeaks.install();
    }

    private static final String PROBE = "\n\nsummary 7\n\n";

    @FuzzTest(maxDuration = "7s")
    @DictionaryEntries({"update ", "remove ", "summary ", "sessions ", "pong", "call_id: ", "from_tag: ", "media: ",
        ": "})
    void arbitraryBytes(byte[] input) {
        EmbeddedChannel channel = new EmbeddedChannel(new DispatcherMessageDecoder());
        int chunk = input.length == 0 ? 1 : 1 + (input[0] & 0xff);
        List<ByteBuf> written = new ArrayList<>();
        for (int offset = 1; offset < input.length && channel.isOpen(); offset += chunk) {
            ByteBuf bytes = Unpooled.copiedBuffer(input, offset, Math.min(chunk, input.length - offset));
            written.add(bytes);
            channel.writeInbound(bytes);
        }
        boolean usable = channel.isOpen();
        if (usable) {
            ByteBuf probe = Unpooled.copiedBuffer(PROBE, StandardCharsets.UTF_8);
            written.add(probe);
            channel.writeInbound(probe);
        }
        channel.checkException();
        List<DispatcherMessage> messages = new ArrayList<>();
        for (Object message = channel.readInbound(); message != null; message = channel.readInbound()) {
            messages.add((DispatcherMessage) message);
        }
        channel.finishAndReleaseAll();
        channel.checkException();

        for (ByteBuf bytes : written) {
            assertEquals(0, bytes.refCnt(), "input buffer not released");
        }
        for (DispatcherMessage message : messages) {
            if (message instanceof DispatcherCommand command) {
                assertTrue(DispatcherCommand.NAMES.contains(command.name()), command.name());
                assertFalse(command.seq().isBlank(), "command without a sequence number");
                command.headers().forEach((name, value) -> {
                    assertFalse(name.contains(": ") || name.contains("\n"), () -> "header name " + name);
                    assertFalse(value.contains("\n"), () -> "header value " + value);
                });
            } else if (message instanceof UnknownCommand unknown) {
                assertFalse(DispatcherCommand.NAMES.contains(unknown.name()), unknown.name());
            }
        }
        if (usable) {
            assertEquals(new DispatcherCommand("summary", "7", Map.of()), messages.get(messages.size() - 1),
                    "the command after the input was not read");
        }
        NettyLeaks.assertNone();
    }
}
