package org.mediaproxy.dispatcher.opensips;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.mediaproxy.dispatcher.CrlfFrameDecoder;
import org.mediaproxy.dispatcher.web.DispatcherMetrics;
import org.mediaproxy.common.testing.NettyLeaks;

/**
 * Arbitrary bytes on an OpenSIPS connection, through the real pipeline (line decoder and request
 * handler) in arbitrary read sizes: nothing escapes the pipeline, every reply is one of the
 * lines the protocol allows, no buffer leaks, and a connection that was not closed for an
 * oversized line or request still serves the next well-formed request.
 */
class OpenSipsConnectionFuzzTest {

    static {
        NettyLeaks.install();
    }

    private static final String PROBE = "\r\n\r\nupdate\r\ncall_id: probe\r\n\r\n";

    @FuzzTest(maxDuration = "7s")
    @DictionaryEntries({"update", "remove", "call_id: ", "from_tag: ", "to_tag: ", "media: ",
        "dialog_id: ", "signaling_ip: ", ": ", "fail", "throw"})
    void arbitraryBytes(byte[] input) {
        List<OpenSipsRequest> served = new ArrayList<>();
        OpenSipsRequestHandler handler = request -> {
            served.add(request);
            String callId = request.callId();
            if (callId.contains("throw")) {
                throw new IllegalStateException("handler failure for " + callId);
            }
            if (callId.contains("fail")) {
                return CompletableFuture.failedFuture(new IllegalStateException("relay failure"));
            }
            return CompletableFuture.completedFuture("ok " + callId.length());
        };
        EmbeddedChannel channel = new EmbeddedChannel(new CrlfFrameDecoder(OpenSipsServer.MAX_LINE_LENGTH),
                new OpenSipsConnection(handler, new DispatcherMetrics()));
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
        List<String> replies = replies(channel);
        channel.finishAndReleaseAll();
        channel.checkException();

        for (ByteBuf bytes : written) {
            assertEquals(0, bytes.refCnt(), "input buffer not released");
        }
        Set<String> allowed = new java.util.HashSet<>(Set.of("error"));
        served.forEach(request -> allowed.add("ok " + request.callId().length()));
        for (String reply : replies) {
            assertTrue(allowed.contains(reply), () -> "unexpected reply " + reply);
        }
        assertTrue(replies.size() >= served.size(), "a served request got no reply");
        if (usable) {
            assertEquals("probe", served.get(served.size() - 1).callId(), "the probe request was not served");
            assertEquals("ok 5", replies.get(replies.size() - 1), "the probe request got no answer");
        }
        NettyLeaks.assertNone();
    }

    /** The reply lines written so far, each checked to end with CR LF. */
    private static List<String> replies(EmbeddedChannel channel) {
        StringBuilder text = new StringBuilder();
        for (Object message = channel.readOutbound(); message != null; message = channel.readOutbound()) {
            ByteBuf bytes = (ByteBuf) message;
            text.append(bytes.toString(StandardCharsets.UTF_8));
            bytes.release();
        }
        if (text.length() == 0) {
            return List.of();
        }
        assertTrue(text.toString().endsWith("\r\n"), "reply not terminated by CR LF");
        return new ArrayList<>(Arrays.asList(text.substring(0, text.length() - 2).split("\r\n", -1)));
    }
}
