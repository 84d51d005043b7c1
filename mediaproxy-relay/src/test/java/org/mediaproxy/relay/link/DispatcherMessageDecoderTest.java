package org.mediaproxy.relay.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DispatcherMessageDecoderTest {

    private final EmbeddedChannel channel = new EmbeddedChannel(new DispatcherMessageDecoder());

    private List<Object> feed(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        return drain();
    }

    private List<Object> drain() {
        List<Object> messages = new ArrayList<>();
        for (Object message; (message = channel.readInbound()) != null;) {
            messages.add(message);
        }
        return messages;
    }

    @Test
    void commandWithoutHeadersEndsAtTheEmptyLine() {
        assertEquals(List.of(), feed("sessions 0\r\n"));
        assertEquals(List.of(new DispatcherCommand("sessions", "0", Map.of())), feed("\r\n"));
    }

    @Test
    void headersAreKeptRawAndInOrder() {
        List<Object> messages = feed("update 1\r\ntype: request\r\ncseq: abc\r\nmedia: audio:192.168.1.20:4000:sendrecv:ice=no\r\n"
                + "from_tag: a: b\r\n\r\n");
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("type", "request");
        expected.put("cseq", "abc");
        expected.put("media", "audio:192.168.1.20:4000:sendrecv:ice=no");
        expected.put("from_tag", "a: b");
        assertEquals(List.of(new DispatcherCommand("update", "1", expected)), messages);
        DispatcherCommand command = (DispatcherCommand) messages.get(0);
        assertEquals(List.of("type", "cseq", "media", "from_tag"), new ArrayList<>(command.headers().keySet()));
    }

    @Test
    void bytesSplitAnywhereGiveTheSameCommands() {
        String wire = "update 1\r\ncall_id: x@h\r\nfrom_tag: t1\r\n\r\npong\r\nsummary 2\r\n\r\n";
        List<Object> whole = feed(wire);
        byte[] bytes = wire.getBytes(StandardCharsets.UTF_8);
        List<Object> split = new ArrayList<>();
        for (byte b : bytes) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            split.addAll(drain());
        }
        assertEquals(3, whole.size());
        assertEquals(whole, split);
    }

    @Test
    void pongIsAKeepaliveAnswerEvenInsideACommand() {
        assertEquals(List.of(Pong.INSTANCE), feed("pong\r\n"));
        List<Object> messages = feed("remove 4\r\ncall_id: c\r\npong\r\nfrom_tag: f\r\n\r\n");
        assertEquals(List.of(Pong.INSTANCE, new DispatcherCommand("remove", "4", Map.of("call_id", "c", "from_tag", "f"))),
                messages);
    }

    @Test
    void unknownCommandIsReportedAtOnceAndItsEmptyLineIgnored() {
        assertEquals(List.of(new UnknownCommand("frobnicate", "7")), feed("frobnicate 7\r\n"));
        assertEquals(List.of(), feed("\r\n"));
        assertEquals(List.of(new DispatcherCommand("summary", "8", Map.of())), feed("summary 8\r\n\r\n"));
    }

    @Test
    void commandLineWithOneOrThreeTokensIsIgnored() {
        assertEquals(List.of(), feed("update\r\nupdate 1 2\r\n\r\n"));
        // Still idle: the next command is parsed normally.
        assertEquals(List.of(new DispatcherCommand("sessions", "3", Map.of())), feed("sessions 3\r\n\r\n"));
    }

    @Test
    void commandLineTokensMaybeSeparatedByAnyWhitespace() {
        assertEquals(List.of(new DispatcherCommand("summary", "9", Map.of())), feed("  summary \t 9 \r\n\r\n"));
    }

    @Test
    void headerWithoutSeparatorIsSkipped() {
        assertEquals(List.of(new DispatcherCommand("remove", "5", Map.of("call_id", "c"))),
                feed("remove 5\r\ngarbage line\r\ncall_id: c\r\nfrom_tag:x\r\n\r\n"));
    }

    @Test
    void bareLineFeedsAreAccepted() {
        assertEquals(List.of(new DispatcherCommand("remove", "6", Map.of("call_id", "c"))), feed("remove 6\ncall_id: c\n\n"));
    }

    @Test
    void garbageBytesDoNotBreakTheConnection() {
        byte[] junk = {(byte) 0xff, (byte) 0xfe, 0, 1, 2, '\r', '\n', (byte) 0xc3, '\n', '\r', '\r', '\n'};
        channel.writeInbound(Unpooled.wrappedBuffer(junk));
        assertEquals(List.of(), drain());
        assertTrue(channel.isOpen());
        assertEquals(List.of(new DispatcherCommand("sessions", "1", Map.of())), feed("sessions 1\r\n\r\n"));
    }

    @Test
    void lineOfMaximumLengthIsAccepted() {
        String value = "v".repeat(DispatcherMessageDecoder.MAX_LINE_LENGTH - "call_id: ".length());
        List<Object> messages = feed("remove 1\r\ncall_id: " + value + "\r\n\r\n");
        assertEquals(List.of(new DispatcherCommand("remove", "1", Map.of("call_id", value))), messages);
        assertTrue(channel.isOpen());
    }

    @Test
    void longerLineClosesTheConnection() {
        String value = "v".repeat(DispatcherMessageDecoder.MAX_LINE_LENGTH + 1 - "call_id: ".length());
        assertEquals(List.of(), feed("remove 1\r\ncall_id: " + value + "\r\n\r\nsessions 2\r\n\r\n"));
        assertFalse(channel.isOpen());
    }

    @Test
    void endlessLineClosesTheConnectionBeforeItsEnd() {
        feed("x".repeat(DispatcherMessageDecoder.MAX_LINE_LENGTH));
        assertTrue(channel.isOpen());
        feed("xx");
        assertFalse(channel.isOpen());
        assertNull(channel.readInbound());
    }
}
