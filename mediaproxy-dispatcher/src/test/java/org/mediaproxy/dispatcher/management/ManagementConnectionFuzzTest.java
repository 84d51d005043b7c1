package org.mediaproxy.dispatcher.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mediaproxy.dispatcher.CrlfFrameDecoder;
import org.mediaproxy.common.testing.NettyLeaks;
import org.mediaproxy.dispatcher.relay.RelayEvents;
import org.mediaproxy.dispatcher.relay.RelayLink;
import org.mediaproxy.dispatcher.relay.RelayMessage;

/**
 * A management client sending arbitrary bytes, with two relays answering arbitrary text (or not
 * at all). The input is the client's bytes up to the first NUL, then the relays' answers, one
 * per NUL-separated part, used in turn. Nothing escapes the pipeline or leaks, and every complete command line gets exactly
 * one one-line answer, in order, until {@code quit}: the version for {@code version}, a JSON-array
 * shaped line for {@code summary} and {@code sessions}, {@code error} for anything else.
 */
class ManagementConnectionFuzzTest {

    static {
        NettyLeaks.install();
    }

    private static final String VERSION = "4.1.2-test";
    private static final Duration RELAY_TIMEOUT = Duration.ofSeconds(1);

    @FuzzTest(maxDuration = "7s")
    @DictionaryEntries({"summary", "sessions", "version", "quit", "exit", "[", "]",
        "{\"ip\": \"198.18.0.7\", \"session_count\": 1, \"stream_count\": {\"audio\": 2}}", "error", "halting"})
    void arbitraryBytes(byte[] input) {
        int end = 0;
        while (end < input.length && input[end] != 0) {
            end++;
        }
        byte[] client = Arrays.copyOf(input, end);
        List<String> answers = new ArrayList<>();
        if (end < input.length) {
            String text = new String(input, end + 1, input.length - end - 1, StandardCharsets.UTF_8);
            for (String answer : text.split("\0", -1)) {
                answers.add(answer.replace("\r", "").replace("\n", ""));
            }
        } else {
            answers.add("[]");
        }
        EmbeddedChannel channel = new EmbeddedChannel();
        List<RelayLink> relays = List.of(relay(channel, "198.18.0.7", answers, 0), relay(channel, "198.18.0.8", answers, 1));
        channel.pipeline().addLast(new CrlfFrameDecoder(ManagementServer.MAX_LINE_LENGTH),
                new ManagementConnection(new ManagementService(() -> relays, VERSION), true));

        ByteBuf bytes = Unpooled.wrappedBuffer(client);
        channel.writeInbound(bytes);
        channel.advanceTimeBy(RELAY_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
        channel.checkException();
        StringBuilder output = new StringBuilder();
        for (Object message = channel.readOutbound(); message != null; message = channel.readOutbound()) {
            ByteBuf reply = (ByteBuf) message;
            output.append(reply.toString(StandardCharsets.UTF_8));
            reply.release();
        }
        channel.finishAndReleaseAll();
        channel.checkException();
        if (client.length > 0) { // the shared empty buffer is never released
            assertEquals(0, bytes.refCnt(), "input buffer not released");
        }

        List<String> expected = expectedAnswers(client);
        if (expected != null) {
            String[] lines = output.toString().split("\r\n", -1);
            assertEquals(expected.size() + 1, lines.length, () -> "answers " + output + " for " + expected);
            assertEquals("", lines[lines.length - 1]);
            for (int i = 0; i < expected.size(); i++) {
                String answer = lines[i];
                switch (expected.get(i)) {
                    case "list" -> assertTrue(answer.startsWith("[") && answer.endsWith("]"), answer);
                    case "version" -> assertEquals(VERSION, answer);
                    default -> assertEquals("error", answer);
                }
            }
        }
        NettyLeaks.assertNone();
    }

    /**
     * What each complete line must be answered with, up to {@code quit}; null when a line is too
     * long (the connection is closed then).
     */
    private static List<String> expectedAnswers(byte[] client) {
        List<String> expected = new ArrayList<>();
        int start = 0;
        for (int i = 0; i + 1 < client.length; i++) {
            if (client[i] != '\r' || client[i + 1] != '\n') {
                continue;
            }
            if (i - start > ManagementServer.MAX_LINE_LENGTH) {
                return null;
            }
            String line;
            try {
                line = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(client, start, i - start)).toString();
            } catch (CharacterCodingException e) {
                line = null;
            }
            start = i + 2;
            i++;
            if ("quit".equals(line) || "exit".equals(line)) {
                return expected;
            }
            expected.add("summary".equals(line) || "sessions".equals(line) ? "list"
                    : "version".equals(line) ? "version" : "error");
        }
        return client.length - start > ManagementServer.MAX_LINE_LENGTH + 1 ? null : expected;
    }

    /**
     * A relay link whose relay answers its commands with {@code answers} in turn, from {@code offset}:
     * text starting with {@code ~} means no answer (the command times out), {@code !} closes the
     * connection, anything else is the answer line.
     */
    private static RelayLink relay(EmbeddedChannel channel, String ip, List<String> answers, int offset) {
        RelayLink[] link = new RelayLink[1];
        int[] count = {offset};
        link[0] = new RelayLink(ip, new RelayLink.Transport() {
            @Override
            public void write(String text) {
                String seq = text.substring(text.indexOf(' ') + 1, text.indexOf('\r'));
                String answer = answers.get(count[0]++ % answers.size());
                if (answer.startsWith("!")) {
                    close();
                } else if (!answer.startsWith("~")) {
                    link[0].received(RelayMessage.parse(seq + " " + answer));
                }
            }

            @Override
            public void close() {
                link[0].disconnected();
            }
        }, channel.eventLoop(), RELAY_TIMEOUT, RELAY_TIMEOUT, new RelayEvents() {
            @Override
            public void connected(RelayLink relay) {
            }

            @Override
            public void expired(RelayLink relay, String record) {
            }

            @Override
            public void disconnected(RelayLink relay) {
            }
        });
        return link[0];
    }
}
