package org.mediaproxy.dispatcher;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.mediaproxy.common.json.PythonJson;

/**
 * A small relay model behind {@link TestRelay}: allocates ports per stream, keeps sessions by
 * Call-ID, answers {@code update}/{@code remove}/{@code sessions}/{@code summary} like a relay,
 * and can be switched to halting, failing or stalling.
 */
final class FakeRelay implements TestRelay.Behaviour {

    enum Mode { NORMAL, HALTING, ERROR, STALL }

    /** One call on the fake relay. */
    static final class Call {
        final String callId;
        final String fromTag;
        final int streams;
        volatile String toTag;
        volatile Double startTime;

        Call(String callId, String fromTag, int streams) {
            this.callId = callId;
            this.fromTag = fromTag;
            this.streams = streams;
        }
    }

    final String mediaIp;
    final Map<String, Call> calls = new ConcurrentHashMap<>();
    final AtomicInteger updates = new AtomicInteger();
    volatile Mode mode = Mode.NORMAL;
    volatile Duration delay = Duration.ZERO;
    /** Sessions other dispatchers have on this relay: counted in {@code summary}, not listed here. */
    volatile int foreignCalls;
    private final AtomicInteger nextPort = new AtomicInteger(40000);

    FakeRelay(String mediaIp) {
        this.mediaIp = mediaIp;
    }

    @Override
    public Duration delay() {
        return delay;
    }

    @Override
    public String answer(TestRelay.Command command) {
        switch (command.name()) {
            case "sessions": {
                ArrayNode list = PythonJson.object().arrayNode();
                calls.values().forEach(call -> list.add(record(call, "active")));
                return PythonJson.write(list);
            }
            case "summary": {
                ObjectNode summary = PythonJson.object();
                summary.put("ip", mediaIp);
                summary.put("version", "4.1.2");
                summary.put("status", mode == Mode.HALTING ? "halting" : "active");
                summary.put("uptime", 10);
                summary.put("session_count", calls.size() + foreignCalls);
                summary.putObject("stream_count").put("audio", calls.size());
                summary.put("bps_relayed", 0);
                return PythonJson.write(summary);
            }
            case "update":
                return update(command);
            case "remove": {
                Call call = calls.remove(command.header("call_id"));
                return call == null ? "error" : PythonJson.write(record(call, "closed"));
            }
            default:
                return "error";
        }
    }

    private String update(TestRelay.Command command) {
        if (mode == Mode.STALL) {
            return null;
        }
        if (mode == Mode.ERROR) {
            return "error";
        }
        String callId = command.header("call_id");
        Call call = calls.get(callId);
        if (call == null && mode == Mode.HALTING) {
            return "halting";
        }
        String media = command.header("media");
        if (media == null) {
            return "None";
        }
        int streams = media.split(",").length;
        if (call == null) {
            call = new Call(callId, command.header("from_tag"), streams);
            calls.put(callId, call);
        }
        if ("reply".equals(command.header("type")) && call.startTime == null) {
            call.toTag = command.header("to_tag");
            call.startTime = 1764081600.523517;
        }
        updates.incrementAndGet();
        StringBuilder answer = new StringBuilder(mediaIp);
        for (int i = 0; i < streams; i++) {
            answer.append(' ').append(nextPort.getAndAdd(4));
        }
        return answer.toString();
    }

    /** The relay's session record for a call, every stream in the given status. */
    ObjectNode record(Call call, String status) {
        ObjectNode record = PythonJson.object();
        record.put("call_id", call.callId);
        record.put("from_tag", call.fromTag);
        record.put("from_uri", "sip:alice@example.com");
        if (call.toTag == null) {
            record.putNull("to_tag");
        } else {
            record.put("to_tag", call.toTag);
        }
        record.put("to_uri", "sip:bob@example.com");
        if (call.startTime == null) {
            record.putNull("start_time");
        } else {
            record.put("start_time", call.startTime);
        }
        record.put("duration", call.startTime == null ? 0 : 62);
        record.put("caller_ua", "Blink 5.1");
        record.put("callee_ua", "Bob Phone 1.0");
        record.putNull("username");
        ArrayNode streams = record.putArray("streams");
        if (call.startTime != null) {
            for (int i = 0; i < call.streams; i++) {
                ObjectNode stream = streams.addObject();
                stream.put("media_type", "audio");
                stream.put("status", status);
                stream.put("timeout_wait", status.endsWith("timeout") ? 90 : 0);
            }
        }
        return record;
    }

    /** The {@code expired} line for a call, removing it here as a relay does. */
    String expire(String callId, String status) {
        Call call = calls.remove(callId);
        return "expired " + PythonJson.write(record(call, status));
    }
}
