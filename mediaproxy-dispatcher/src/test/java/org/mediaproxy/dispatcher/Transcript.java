package org.mediaproxy.dispatcher;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.mediaproxy.common.testing.WireTranscript;

/**
 * The original 4.1.2 dispatcher's traffic from the shared {@link WireTranscript}, sorted by the
 * channel it went over: every message the dispatcher sent or received, with its exact bytes.
 */
public final class Transcript {

    public enum Channel { RELAY, OPENSIPS, MANAGEMENT }

    /** One message as the dispatcher saw it; {@code in} = received by the dispatcher. */
    public record Event(Channel channel, boolean in, String bytes, String peer) {
        public boolean relay() {
            return channel == Channel.RELAY;
        }

        public boolean opensips() {
            return channel == Channel.OPENSIPS;
        }
    }

    private Transcript() {
    }

    public static List<Event> dispatcherEvents() throws IOException {
        List<Event> events = new ArrayList<>();
        for (WireTranscript.Message message : WireTranscript.dispatcherSide()) {
            Channel channel = switch (message.protocol()) {
                case "RelayServerProtocol" -> Channel.RELAY;
                case "OpenSIPSControlProtocol" -> Channel.OPENSIPS;
                case "ManagementControlProtocol" -> Channel.MANAGEMENT;
                default -> throw new IllegalStateException("unknown protocol " + message.protocol());
            };
            events.add(new Event(channel, message.received(), message.text(), message.peer()));
        }
        return events;
    }
}
