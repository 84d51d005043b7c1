package org.mediaproxy.dispatcher.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import javax.security.auth.x500.X500Principal;
import org.mediaproxy.common.json.PythonJson;
import org.mediaproxy.common.tls.PeerVerified;
import org.mediaproxy.dispatcher.CrlfFrameDecoder;
import org.mediaproxy.dispatcher.Dispatcher;
import org.mediaproxy.common.testing.NettyLeaks;
import org.mediaproxy.dispatcher.ReplyBudget;
import org.mediaproxy.dispatcher.accounting.SessionRecord;
import org.mediaproxy.dispatcher.opensips.OpenSipsRequest;
import org.mediaproxy.dispatcher.session.DispatcherSession;
import org.mediaproxy.dispatcher.web.DispatcherMetrics;

/**
 * Arbitrary bytes from a relay (after TLS and passport), through the real line decoder and relay
 * connection handler into a real {@link Dispatcher} that knows some calls and has just sent the
 * relay its {@code sessions} command (sequence number 0) and, for OpenSIPS, {@code remove} for
 * call-1 (1) and call-2 (2) and an {@code update} for call-4 (3): answers with any JSON,
 * {@code expired} notices with any JSON, pings and garbage. Nothing escapes the pipeline or leaks,
 * calls of other relays are never touched, dialogs are only ended for this relay's calls, every
 * OpenSIPS request is answered once the connection is gone, and every record handed to accounting
 * is an object for one of this relay's calls that accounting can take or refuses with its
 * documented exception.
 */
class RelayConnectionFuzzTest {

    static {
        NettyLeaks.install();
    }

    private static final String RELAY_IP = "198.18.0.7";
    private static final String OTHER_RELAY_IP = "198.18.0.9";
    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    private static final List<DispatcherSession> KNOWN = List.of(
            DispatcherSession.created("call-1", RELAY_IP, "11"),
            DispatcherSession.created("call-2", RELAY_IP, null),
            DispatcherSession.created("call-3", RELAY_IP, "33").expired(NOW.minusSeconds(5)),
            DispatcherSession.adopted("call-4", RELAY_IP),
            DispatcherSession.created("other", OTHER_RELAY_IP, "99"));
    private static final Set<String> THIS_RELAYS_CALLS = Set.of("call-1", "call-2", "call-3", "call-4");

    private static OpenSipsRequest request(OpenSipsRequest.Command command, String callId) {
        List<String> lines = List.of("call_id: " + callId, "from_tag: f-" + callId);
        return new OpenSipsRequest(command, lines, Map.of("call_id", callId, "from_tag", "f-" + callId));
    }

    @FuzzTest(maxDuration = "7s")
    @DictionaryEntries({"ping", "expired ", "0 ", "1 ", "error", "halting", "{\"call_id\": \"call-1\"",
        "\"call-2\"", "\"call-3\"", "\"call-4\"", "\"other\"", "\"from_tag\": \"f\"", "\"start_time\": 1764064800.5",
        "\"streams\": [", "\"status\": \"unselected ICE candidate\"", "\"status\": \"active\"", "null", "[]", "{}"})
    void arbitraryBytes(byte[] input) {
        List<ObjectNode> records = new ArrayList<>();
        List<String> endedDialogs = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel() {
            @Override
            protected SocketAddress remoteAddress0() {
                return new InetSocketAddress(RELAY_IP, 40123);
            }
        };
        Duration timeout = Duration.ofSeconds(1);
        Dispatcher dispatcher = new Dispatcher(channel.eventLoop(), Clock.fixed(NOW, ZoneOffset.UTC),
                new Dispatcher.Settings(new ReplyBudget(Duration.ofSeconds(3)), timeout, Duration.ofSeconds(60),
                        Duration.ofSeconds(600), Duration.ofSeconds(15), Duration.ofSeconds(600)),
                new RelaySelector(new Random(1)), records::add, (callId, dialogId) -> endedDialogs.add(callId), new DispatcherMetrics());
        dispatcher.start(KNOWN);
        channel.pipeline().addLast(new CrlfFrameDecoder(16384), new RelayConnectionHandler(dispatcher, timeout, timeout));
        channel.pipeline().fireUserEventTriggered(new PeerVerified(new X500Principal("CN=relay")));
        List<CompletableFuture<String>> opensips = List.of(
                dispatcher.requests().handle(request(OpenSipsRequest.Command.REMOVE, "call-1")),
                dispatcher.requests().handle(request(OpenSipsRequest.Command.REMOVE, "call-2")),
                dispatcher.requests().handle(request(OpenSipsRequest.Command.UPDATE, "call-4")));

        int chunk = input.length == 0 ? 1 : 1 + (input[0] & 0xff);
        List<ByteBuf> written = new ArrayList<>();
        for (int offset = 1; offset < input.length && channel.isOpen(); offset += chunk) {
            ByteBuf bytes = Unpooled.copiedBuffer(input, offset, Math.min(chunk, input.length - offset));
            written.add(bytes);
            channel.writeInbound(bytes);
        }
        channel.checkException();
        for (Object message = channel.readOutbound(); message != null; message = channel.readOutbound()) {
            ((ByteBuf) message).release();
        }
        channel.finishAndReleaseAll();
        channel.checkException();
        dispatcher.shutdown();
        for (ByteBuf bytes : written) {
            assertEquals(0, bytes.refCnt(), "input buffer not released");
        }

        for (int i = 0; i < opensips.size(); i++) {
            CompletableFuture<String> reply = opensips.get(i);
            assertTrue(reply.isDone(), "OpenSIPS request " + i + " is still waiting");
            if (i < 2) {
                String removeReply = reply.join();
                assertTrue(Set.of("removed", "error").contains(removeReply), () -> "remove answered " + removeReply);
            }
        }
        Map<String, DispatcherSession> table = dispatcher.sessions().stream()
                .collect(Collectors.toMap(DispatcherSession::callId, session -> session));
        assertEquals(KNOWN.get(4), table.get("other"), "a call of another relay was changed");
        for (String callId : endedDialogs) {
            assertTrue(THIS_RELAYS_CALLS.contains(callId), () -> "ended the dialog of call " + callId);
        }
        for (ObjectNode record : records) {
            String callId = record.path("call_id").asText();
            assertTrue(THIS_RELAYS_CALLS.contains(callId), () -> "accounted call " + callId);
            assertNotNull(PythonJson.parse(PythonJson.write(record)));
            try {
                SessionRecord.of(record);
            } catch (IllegalArgumentException refused) {
                assertNotNull(refused.getMessage());
            }
        }
        NettyLeaks.assertNone();
    }
}
