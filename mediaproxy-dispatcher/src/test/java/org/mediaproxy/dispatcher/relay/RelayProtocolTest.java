package org.mediaproxy.dispatcher.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mediaproxy.dispatcher.Transcript;
import org.mediaproxy.dispatcher.opensips.OpenSipsMessage;
import org.mediaproxy.dispatcher.opensips.OpenSipsRequest;
import org.mediaproxy.dispatcher.opensips.RequestAssembler;

/** The dispatcher's side of the relay protocol against the original's bytes. */
class RelayProtocolTest {

    @Test
    void forwardsOpenSipsRequestsExactlyAsTheOriginalDid() throws Exception {
        // Pair each OpenSIPS request with the next update/remove the original sent to its relay.
        List<String> requests = new ArrayList<>();
        List<String> forwarded = new ArrayList<>();
        for (Transcript.Event message : Transcript.dispatcherEvents()) {
            if (message.opensips() && message.in()) {
                requests.add(message.bytes());
            } else if (message.relay() && !message.in()
                    && (message.bytes().startsWith("update ") || message.bytes().startsWith("remove "))) {
                forwarded.add(message.bytes());
            }
        }
        // The last request removes a call whose media had expired: answered without the relay.
        assertEquals(6, requests.size());
        assertEquals(5, forwarded.size());
        for (int i = 0; i < forwarded.size(); i++) {
            OpenSipsRequest request = parse(requests.get(i));
            String original = forwarded.get(i);
            long seq = Long.parseLong(original.substring(original.indexOf(' ') + 1, original.indexOf('\r')));
            assertEquals(original, new RelayCommand(request.command().wireName(), request.headerLines()).format(seq));
        }
    }

    @Test
    void formatsCommandsWithoutHeaders() {
        assertEquals("sessions 0\r\n\r\n", RelayCommand.sessions().format(0));
        assertEquals("summary 7\r\n\r\n", RelayCommand.summary().format(7));
    }

    @Test
    void classifiesRelayLinesLikeTheOriginal() {
        assertInstanceOf(RelayMessage.Ping.class, RelayMessage.parse("ping"));
        assertEquals(new RelayMessage.Reply(1, "198.18.0.1 40002"), RelayMessage.parse("1 198.18.0.1 40002"));
        assertEquals(new RelayMessage.Reply(0, "[]"), RelayMessage.parse("0 []"));
        assertEquals(new RelayMessage.Reply(2, "halting"), RelayMessage.parse("2 halting"));
        assertEquals(new RelayMessage.Reply(12, ""), RelayMessage.parse("12"));
        assertEquals(new RelayMessage.Expired("{\"call_id\": \"x\"}"), RelayMessage.parse("expired {\"call_id\": \"x\"}"));
        assertInstanceOf(RelayMessage.Unparsable.class, RelayMessage.parse("hello world"));
        assertInstanceOf(RelayMessage.Unparsable.class, RelayMessage.parse(""));
        assertInstanceOf(RelayMessage.Unparsable.class, RelayMessage.parse("-1 error"));
        assertInstanceOf(RelayMessage.Unparsable.class, RelayMessage.parse("99999999999999999999999 x"));
    }

    private static OpenSipsRequest parse(String bytes) {
        RequestAssembler assembler = new RequestAssembler();
        Optional<OpenSipsMessage> message = Optional.empty();
        for (String line : bytes.split("\r\n", -1)) {
            Optional<OpenSipsMessage> done = assembler.line(line);
            if (done.isPresent()) {
                message = done;
            }
        }
        return (OpenSipsRequest) message.orElseThrow();
    }
}
