package org.mediaproxy.dispatcher.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.mediaproxy.common.tls.PeerVerified;
import org.mediaproxy.dispatcher.CrlfFrameDecoder;
import org.mediaproxy.dispatcher.Dispatcher;
import org.mediaproxy.dispatcher.ReplyBudget;
import org.mediaproxy.dispatcher.opensips.OpenSipsRequest;
import org.mediaproxy.dispatcher.session.DispatcherSession;
import org.mediaproxy.dispatcher.web.DispatcherMetrics;

/** Which records a relay's answer to {@code remove} puts into accounting. */
class RelayAnswerAccountingTest {

    private static final String RELAY_IP = "198.18.0.7";
    private final List<ObjectNode> records = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel() {
        @Override
        protected SocketAddress remoteAddress0() {
            return new InetSocketAddress(RELAY_IP, 40123);
        }
    };
    private final Dispatcher dispatcher;

    RelayAnswerAccountingTest() {
        Duration timeout = Duration.ofSeconds(1);
        dispatcher = new Dispatcher(channel.eventLoop(), Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC),
                new Dispatcher.Settings(new ReplyBudget(Duration.ofSeconds(3)), timeout, Duration.ofSeconds(60),
                        Duration.ofSeconds(600), Duration.ofSeconds(15), Duration.ofSeconds(600)),
                new RelaySelector(new Random(1)), records::add, (callId, dialogId) -> { }, new DispatcherMetrics());
        dispatcher.start(List.of(DispatcherSession.created("call-1", RELAY_IP, "11"),
                DispatcherSession.created("call-2", "198.18.0.9", "22")));
        channel.pipeline().addLast(new CrlfFrameDecoder(16384), new RelayConnectionHandler(dispatcher, timeout, timeout));
        channel.pipeline().fireUserEventTriggered(new PeerVerified(new X500Principal("CN=relay")));
    }

    private String remove(String callId, String relayAnswerLine) {
        CompletableFuture<String> reply = dispatcher.requests().handle(new OpenSipsRequest(OpenSipsRequest.Command.REMOVE,
                List.of("call_id: " + callId, "from_tag: a"), Map.of("call_id", callId, "from_tag", "a")));
        ByteBuf line = Unpooled.copiedBuffer(relayAnswerLine + "\r\n", StandardCharsets.UTF_8);
        channel.writeInbound(line);
        channel.checkException();
        return reply.join();
    }

    @Test
    void theRecordOfTheRemovedCallIsAccounted() {
        assertEquals("removed", remove("call-1", "1 {\"call_id\": \"call-1\", \"from_tag\": \"a\", \"start_time\": 1.5}"));
        assertEquals(1, records.size());
        assertEquals("call-1", records.get(0).get("call_id").asText());
    }

    /** Found by fuzzing: the record went to accounting under the other call's Call-ID. */
    @Test
    void aRecordOfAnotherCallIsNotAccounted() {
        assertEquals("removed", remove("call-1", "1 {\"call_id\": \"call-2\", \"from_tag\": \"a\", \"start_time\": 1.5}"));
        assertEquals(List.of(), records);
        assertEquals(List.of("call-2"), dispatcher.sessions().stream().map(DispatcherSession::callId).toList());
    }
}
