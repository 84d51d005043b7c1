package org.mediaproxy.dispatcher.opensips;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mediaproxy.dispatcher.CrlfFrameDecoder;
import org.mediaproxy.dispatcher.web.DispatcherMetrics;

/** Decoding of OpenSIPS requests from real module bytes, split reads, and bad input. */
class OpenSipsConnectionTest {

    static final String[] FIXTURES = {
        "audio/000001-update.req", "audio/000002-update.req", "audio/000003-remove.req",
        "audio-video/000001-update.req", "audio-video/000002-update.req", "audio-video/000003-remove.req",
        "hold-reinvite/000001-update.req", "hold-reinvite/000002-update.req", "hold-reinvite/000003-update.req",
        "hold-reinvite/000004-update.req", "hold-reinvite/000005-remove.req",
        "ice/000001-update.req", "ice/000002-update.req", "ice/000003-remove.req",
        "ice-fixed-relay/000001-update.req", "ice-fixed-relay/000002-update.req", "ice-fixed-relay/000003-remove.req",
        "rejected-486/000001-update.req", "rejected-486/000002-remove.req",
        "use-mode-hold/000001-update.req", "use-mode-hold/000002-update.req", "use-mode-hold/000003-update.req",
        "use-mode-hold/000004-update.req", "use-mode-hold/000005-remove.req",
        "use-mode-rejected-486/000001-update.req", "use-mode-rejected-486/000002-remove.req",
    };

    private final List<OpenSipsRequest> served = new ArrayList<>();

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = OpenSipsConnectionTest.class.getResourceAsStream("/fixtures/opensips-3.6/" + name)) {
            return in.readAllBytes();
        }
    }

    static Stream<String> fixtures() {
        return Arrays.stream(FIXTURES);
    }

    private EmbeddedChannel channel(OpenSipsRequestHandler handler) {
        return new EmbeddedChannel(new CrlfFrameDecoder(OpenSipsServer.MAX_LINE_LENGTH),
                new OpenSipsConnection(handler, new DispatcherMetrics()));
    }

    private EmbeddedChannel echoChannel() {
        return channel(request -> {
            served.add(request);
            return CompletableFuture.completedFuture("ok " + served.size());
        });
    }

    private static List<String> replies(EmbeddedChannel channel) {
        List<String> replies = new ArrayList<>();
        for (ByteBuf out; (out = channel.readOutbound()) != null; ) {
            replies.add(out.toString(StandardCharsets.UTF_8));
            out.release();
        }
        return replies;
    }

    /** What the relay must receive: every header line of the file except the empty-valued ones. */
    private static List<String> expectedHeaderLines(String text) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\r\n")));
        lines.remove(0);
        lines.removeIf(line -> line.isEmpty() || line.endsWith(": "));
        return lines;
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void decodesEveryFixtureWholeAndByteByByte(String name) throws IOException {
        byte[] bytes = fixture(name);
        String text = new String(bytes, StandardCharsets.UTF_8);
        EmbeddedChannel whole = echoChannel();
        whole.writeInbound(Unpooled.wrappedBuffer(bytes));
        EmbeddedChannel split = echoChannel();
        for (byte b : bytes) {
            split.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertEquals(List.of("ok 1\r\n"), replies(whole));
        assertEquals(List.of("ok 2\r\n"), replies(split));
        assertEquals(2, served.size());
        assertEquals(served.get(0), served.get(1));
        OpenSipsRequest request = served.get(0);
        assertEquals(name.contains("remove") ? OpenSipsRequest.Command.REMOVE : OpenSipsRequest.Command.UPDATE, request.command());
        assertEquals(expectedHeaderLines(text), request.headerLines());
        assertTrue(request.callId().matches("1-\\d+@127\\.0\\.0\\.1"), request.callId());
        assertNull(request.mediaRelay(), "empty media_relay is absent");
        if (name.startsWith("use-mode") || request.command() == OpenSipsRequest.Command.REMOVE) {
            assertNull(request.dialogId());
        } else {
            assertTrue(request.dialogId().matches("\\d+"), request.dialogId());
        }
        assertFalse(request.headers().containsKey("to_tag") && request.headers().get("to_tag").isEmpty());
    }

    @Test
    void pipelinedRequestsOfACallAreServedInOrderWithRepliesInOrder() throws IOException {
        EmbeddedChannel channel = echoChannel();
        ByteBuf all = Unpooled.buffer();
        for (String name : List.of("hold-reinvite/000001-update.req", "hold-reinvite/000002-update.req",
                "hold-reinvite/000003-update.req", "hold-reinvite/000004-update.req", "hold-reinvite/000005-remove.req")) {
            all.writeBytes(fixture(name));
        }
        channel.writeInbound(all);
        assertEquals(List.of("ok 1\r\n", "ok 2\r\n", "ok 3\r\n", "ok 4\r\n", "ok 5\r\n"), replies(channel));
        assertEquals("cseq: 2", served.get(2).headerLines().get(3));
        assertEquals("media: audio:127.0.0.1:24000:sendonly:ice=no", served.get(2).headerLines().get(10));
    }

    @Test
    void repliesKeepRequestOrderWhenALaterRequestFinishesFirst() {
        List<CompletableFuture<String>> answers = new ArrayList<>();
        EmbeddedChannel channel = channel(request -> {
            CompletableFuture<String> answer = new CompletableFuture<>();
            answers.add(answer);
            return answer;
        });
        String request = "remove\r\ncall_id: a\r\nfrom_tag: b\r\n\r\n";
        channel.writeInbound(Unpooled.copiedBuffer(request + request, StandardCharsets.UTF_8));
        answers.get(1).complete("second");
        channel.runPendingTasks();
        assertEquals(List.of(), replies(channel));
        answers.get(0).complete("first");
        channel.runPendingTasks();
        assertEquals(List.of("first\r\n", "second\r\n"), replies(channel));
    }

    @Test
    void specExampleScriptModeWithForcedRelay() {
        EmbeddedChannel channel = echoChannel();
        String request = "update\r\ntype: request\r\ndialog_id: \r\ncall_id: c0ffee-1@pbx.example.net\r\ncseq: 102\r\n"
                + "from_uri: sip:100@pbx.example.net\r\nto_uri: sip:200@pbx.example.net\r\nfrom_tag: 1f2e3d\r\nto_tag: \r\n"
                + "user_agent: Unknown\r\nsignaling_ip: {\"signaling_ip\": \"198.51.100.7\", \"destination_ip\": \"192.0.2.44\", "
                + "\"username\": \"100@pbx.example.net\"}\r\nmedia_relay: 203.0.113.9\r\n"
                + "media: audio:198.51.100.7:16384:sendrecv:ice=no,image:198.51.100.7:16386:sendrecv:ice=no\r\n\r\n";
        channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.UTF_8));
        assertEquals(List.of("ok 1\r\n"), replies(channel));
        OpenSipsRequest decoded = served.get(0);
        assertNull(decoded.dialogId());
        assertEquals("203.0.113.9", decoded.mediaRelay());
        assertEquals("c0ffee-1@pbx.example.net", decoded.callId());
        assertEquals(10, decoded.headerLines().size(), "dialog_id and to_tag are empty, hence dropped");
        assertEquals("media_relay: 203.0.113.9", decoded.headerLines().get(8));
        assertEquals("{\"signaling_ip\": \"198.51.100.7\", \"destination_ip\": \"192.0.2.44\", \"username\": \"100@pbx.example.net\"}",
                decoded.headers().get("signaling_ip"));
    }

    @Test
    void sessionIdIsTheOriginalsBase64Md5() {
        // base64(md5("5a9f3c2e7b1d4e6f@198.51.100.7")) without padding, as the original logs it
        assertEquals(22, OpenSipsRequest.sessionIdOf("5a9f3c2e7b1d4e6f@198.51.100.7").length());
        assertEquals("1B2M2Y8AsgTpgAmY7PhCfg", OpenSipsRequest.sessionIdOf(""));
    }

    @Test
    void emptyLinesBeforeARequestAreIgnored() {
        EmbeddedChannel channel = echoChannel();
        channel.writeInbound(Unpooled.copiedBuffer("\r\n\r\n\r\n", StandardCharsets.UTF_8));
        assertEquals(List.of(), replies(channel));
        channel.writeInbound(Unpooled.copiedBuffer("remove\r\ncall_id: x\r\n\r\n", StandardCharsets.UTF_8));
        assertEquals(List.of("ok 1\r\n"), replies(channel));
    }

    @Test
    void badRequestsAreAnsweredErrorAndTheConnectionStaysUsable() {
        EmbeddedChannel channel = echoChannel();
        String bad = "update\r\ntype: request\r\nthis line has no separator\r\ncall_id: x\r\n\r\n"
                + "update\r\ntype: request\r\nfrom_tag: a\r\n\r\n"
                + "frobnicate\r\ncall_id: x\r\n\r\n"
                + "\u0001\u0002garbage\u00ff\r\n\r\n"
                + "remove\r\ncall_id: fine\r\n\r\n";
        channel.writeInbound(Unpooled.copiedBuffer(bad, StandardCharsets.UTF_8));
        assertEquals(List.of("error\r\n", "error\r\n", "error\r\n", "error\r\n", "ok 1\r\n"), replies(channel));
        assertEquals("fine", served.get(0).callId());
        assertTrue(channel.isActive());
    }

    @Test
    void invalidUtf8IsAnsweredError() {
        EmbeddedChannel channel = echoChannel();
        ByteBuf bytes = Unpooled.buffer();
        bytes.writeCharSequence("remove\r\ncall_id: ", StandardCharsets.US_ASCII);
        bytes.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28});
        bytes.writeCharSequence("\r\n\r\nremove\r\ncall_id: y\r\n\r\n", StandardCharsets.US_ASCII);
        channel.writeInbound(bytes);
        assertEquals(List.of("error\r\n", "ok 1\r\n"), replies(channel));
    }

    @Test
    void aLineLongerThan16KiBClosesTheConnection() {
        EmbeddedChannel channel = echoChannel();
        channel.writeInbound(Unpooled.copiedBuffer("update\r\ncall_id: " + "x".repeat(16384) + "\r\n\r\n", StandardCharsets.UTF_8));
        assertFalse(channel.isActive());
        assertEquals(List.of(), replies(channel));
    }

    @Test
    void aLongLineWithoutCrlfClosesTheConnectionBeforeItEnds() {
        EmbeddedChannel channel = echoChannel();
        channel.writeInbound(Unpooled.copiedBuffer("y".repeat(20000), StandardCharsets.UTF_8));
        assertFalse(channel.isActive());
    }

    @Test
    void aLineOfExactly16KiBIsAccepted() {
        EmbeddedChannel channel = echoChannel();
        String line = "call_id: " + "x".repeat(16384 - 9);
        channel.writeInbound(Unpooled.copiedBuffer("remove\r\n" + line + "\r\n\r\n", StandardCharsets.UTF_8));
        assertEquals(List.of("ok 1\r\n"), replies(channel));
    }

    @Test
    void anEndlessRequestClosesTheConnection() {
        EmbeddedChannel channel = echoChannel();
        channel.writeInbound(Unpooled.copiedBuffer("update\r\n" + "a: b\r\n".repeat(12000), StandardCharsets.UTF_8));
        assertFalse(channel.isActive());
        assertEquals(List.of(), replies(channel));
    }

    @Test
    void aBareLineFeedIsDataNotALineEnd() {
        EmbeddedChannel channel = echoChannel();
        channel.writeInbound(Unpooled.copiedBuffer("remove\ncall_id: x\n\nremove\r\ncall_id: a\nb\r\n\r\n", StandardCharsets.UTF_8));
        assertEquals(List.of("error\r\n"), replies(channel), "'remove\\ncall_id: x\\n\\nremove' is one unknown command line");
        assertTrue(served.isEmpty());
    }

    @Test
    void aTruncatedRequestGetsNoReply() {
        EmbeddedChannel channel = echoChannel();
        channel.writeInbound(Unpooled.copiedBuffer("update\r\ntype: request\r\ncall_id: x\r\ncseq", StandardCharsets.UTF_8));
        channel.close();
        assertEquals(List.of(), replies(channel));
        assertTrue(served.isEmpty());
    }
}
