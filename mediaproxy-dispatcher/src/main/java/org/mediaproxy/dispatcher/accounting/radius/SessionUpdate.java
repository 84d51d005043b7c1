package org.mediaproxy.dispatcher.accounting.radius;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.mediaproxy.dispatcher.accounting.SessionRecord;

/**
 * The attribute values of one session's Accounting-Request (accounting.md §3), in sending order.
 * Attributes whose value would be empty are left out.
 */
final class SessionUpdate {

    /** A RADIUS attribute holds at most 253 bytes. */
    static final int MAX_VALUE_BYTES = 253;
    private static final String DEFAULT_USER = "mediaproxy@default";
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final long WORD = 1L << 32;

    /** One attribute and its value as text (tinyradius parses numbers and addresses itself). */
    record Value(UpdateAttribute attribute, String text) {
    }

    private final List<Value> values = new ArrayList<>();

    private SessionUpdate() {
    }

    static List<Value> of(SessionRecord session) {
        SessionUpdate update = new SessionUpdate();
        update.fill(session);
        return List.copyOf(update.values);
    }

    private void fill(SessionRecord session) {
        List<SessionRecord.Stream> streams = session.streams();
        add(UpdateAttribute.ACCT_STATUS_TYPE, UpdateAttribute.STATUS_UPDATE);
        add(UpdateAttribute.USER_NAME, session.username() == null || session.username().isEmpty()
                ? DEFAULT_USER : session.username());
        add(UpdateAttribute.ACCT_SESSION_ID, session.callId());
        add(UpdateAttribute.ACCT_SESSION_TIME, Long.toString(session.duration()));
        long input = streams.stream().mapToLong(SessionRecord.Stream::callerBytes).sum();
        long output = streams.stream().mapToLong(SessionRecord.Stream::calleeBytes).sum();
        add(UpdateAttribute.ACCT_INPUT_OCTETS, Long.toString(input % WORD));
        add(UpdateAttribute.ACCT_OUTPUT_OCTETS, Long.toString(output % WORD));
        if (input >= WORD) {
            add(UpdateAttribute.ACCT_INPUT_GIGAWORDS, Long.toString(input / WORD));
        }
        if (output >= WORD) {
            add(UpdateAttribute.ACCT_OUTPUT_GIGAWORDS, Long.toString(output / WORD));
        }
        add(UpdateAttribute.SIP_FROM_TAG, session.fromTag());
        add(UpdateAttribute.SIP_TO_TAG, session.toTag());
        if (!streams.isEmpty()) {
            add(UpdateAttribute.NAS_IP_ADDRESS, relayAddress(streams.get(0).callerLocal()));
        }
        add(UpdateAttribute.SIP_USER_AGENTS, truncate(session.callerUa() + "+" + session.calleeUa()));
        add(UpdateAttribute.SIP_APPLICATIONS, truncate(streams.stream()
                .filter(stream -> stream.startTime() != stream.endTime())
                .map(SessionRecord.Stream::mediaType)
                .collect(Collectors.toCollection(TreeSet::new))
                .stream().collect(Collectors.joining(", "))));
        add(UpdateAttribute.MEDIA_CODECS, truncate(streams.stream()
                .map(SessionRecord.Stream::callerCodec)
                .collect(Collectors.joining(", "))));
        add(UpdateAttribute.MEDIA_INFO, mediaInfo(session));
        streams.stream()
                .filter(stream -> stream.postDialDelay() != null)
                .findFirst()
                .ifPresent(stream -> add(UpdateAttribute.ACCT_DELAY_TIME,
                        Long.toString(stream.postDialDelay().longValue())));
    }

    private static String mediaInfo(SessionRecord session) {
        if (session.allStreamsIce()) {
            return "ICE session";
        }
        return session.timedOut() ? "timeout" : "";
    }

    /** The relay's IP from "ip:port"; IPv4 only, as NAS-IP-Address is. */
    private static String relayAddress(String callerLocal) {
        if (callerLocal == null) {
            return null;
        }
        int colon = callerLocal.lastIndexOf(':');
        String ip = colon >= 0 ? callerLocal.substring(0, colon) : callerLocal;
        return IPV4.matcher(ip).matches() ? ip : null;
    }

    /** Cuts text to 253 bytes of UTF-8 without splitting a character. */
    static String truncate(String text) {
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder();
        ByteBuffer room = ByteBuffer.allocate(MAX_VALUE_BYTES);
        CharBuffer input = CharBuffer.wrap(text);
        encoder.encode(input, room, true);
        return text.substring(0, input.position());
    }

    private void add(UpdateAttribute attribute, String text) {
        if (text != null && !text.isEmpty()) {
            values.add(new Value(attribute, text));
        }
    }
}
