package org.mediaproxy.relay.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.mediaproxy.common.json.PythonJson;
import org.slf4j.LoggerFactory;

/**
 * Dispatcher commands with arbitrary headers (media grammar, every {@code signaling_ip} form,
 * CSeq, type, tags) and arbitrary time steps, against a real session manager with the userspace
 * engine on 127.0.0.1 and a port range of eight pairs. The input is a script in the wire format:
 * blocks of {@code command} then {@code name: value} lines, ended by an empty line; a block
 * {@code advance <seconds>} moves the clock and fires due timers.
 *
 * <p>Whatever the script: no command fails inside the manager (it would log "Failed to execute"
 * with the exception), every answer has the protocol's shape, and afterwards removing every
 * listed session leaves none behind and every port pair free: a call using the whole range can
 * be set up. Leaked ports, sockets or sessions would make that call fail.
 */
class SessionManagerFuzzTest {

    private static final int PAIRS = 8;
    private static final Pattern UPDATE_ANSWER = Pattern.compile("None|halting|error|\\S+( \\d+)+");
    private static final List<ILoggingEvent> FAILURES = new CopyOnWriteArrayList<>();
    private static final RelayHarness RELAY;

    static {
        Logger managerLog = (Logger) LoggerFactory.getLogger(SessionManager.class);
        AppenderBase<ILoggingEvent> failures = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                if (event.getThrowableProxy() != null) {
                    FAILURES.add(event);
                }
            }
        };
        failures.start();
        managerLog.addAppender(failures);
        managerLog.setLevel(Level.ERROR);
        RelayHarness.Options options = new RelayHarness.Options();
        options.pairs = PAIRS;
        options.autoDetect = true;
        options.streamTimeout = Duration.ofSeconds(30);
        options.onHoldTimeout = Duration.ofSeconds(120);
        RELAY = new RelayHarness(options);
    }

    @FuzzTest(maxDuration = "7s")
    @DictionaryEntries({"update", "remove", "summary", "sessions", "advance ", "call_id: ", "from_tag: ", "to_tag: ",
        "from_uri: ", "to_uri: ", "cseq: ", "user_agent: ", "type: request", "type: reply", "signaling_ip: ",
        "media: ", "audio:127.0.0.1:", "video:", ":sendrecv", ":sendonly", ":inactive", ":ice=yes", "0.0.0.0",
        "{\"signaling_ip\": ", "\"destination_ip\"", "\"username\"", "127.0.0.1_198.18.0.5", "::1"})
    void commands(byte[] input) {
        FAILURES.clear();
        for (Block block : Block.parse(new String(input, StandardCharsets.UTF_8))) {
            if (block.command.startsWith("advance ")) {
                advance(block.command.substring(8).strip());
                continue;
            }
            String answer = RELAY.execute(block.command, block.headers);
            checkShape(block.command, answer);
        }
        assertTrue(FAILURES.isEmpty(), () -> "the session manager failed: " + FAILURES.get(0).getFormattedMessage()
                + " " + FAILURES.get(0).getThrowableProxy().getClassName() + ": "
                + FAILURES.get(0).getThrowableProxy().getMessage());
        removeEverySession();
        assertEquals("[]", RELAY.execute("sessions", Map.of()), "sessions left after removing all");
        assertWholeRangeUsable();
    }

    private static void advance(String seconds) {
        try {
            long step = Math.min(Long.parseLong(seconds), 3600);
            if (step > 0) {
                RELAY.timers.advance(Duration.ofSeconds(step));
            }
        } catch (NumberFormatException notANumber) {
            // not a step: the script goes on
        }
    }

    private static void checkShape(String command, String answer) {
        switch (command) {
            case "update" -> assertTrue(UPDATE_ANSWER.matcher(answer).matches(), () -> "update answered " + answer);
            case "remove" -> assertTrue(answer.equals("error") || PythonJson.parse(answer).isObject(),
                    () -> "remove answered " + answer);
            case "summary" -> assertTrue(PythonJson.parse(answer).isObject(), () -> "summary answered " + answer);
            case "sessions" -> assertTrue(PythonJson.parse(answer).isArray(), () -> "sessions answered " + answer);
            default -> assertEquals("error", answer);
        }
    }

    private static void removeEverySession() {
        for (JsonNode record : PythonJson.parse(RELAY.execute("sessions", Map.of()))) {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("call_id", record.get("call_id").asText());
            headers.put("from_tag", record.get("from_tag").asText());
            String answer = RELAY.execute("remove", headers);
            assertNotEquals("error", answer, () -> "could not remove the listed session " + record);
        }
    }

    /** A call with as many streams as the range holds gets ports for all of them. */
    private static void assertWholeRangeUsable() {
        StringJoiner media = new StringJoiner(",");
        for (int i = 0; i < PAIRS / 2; i++) {
            media.add("audio:127.0.0.1:" + (5000 + 2 * i) + ":sendrecv");
        }
        RelayHarness.Call probe = RELAY.call("range-probe");
        String answer = probe.callerInvite(1, media.toString());
        assertEquals(PAIRS / 2, answer.split(" ").length - 1, () -> "ports leaked: the probe call got " + answer);
        assertNotEquals("error", RELAY.execute("remove", Map.of("call_id", probe.callId, "from_tag", probe.callerTag)));
    }

    /** One command of the script. */
    private record Block(String command, Map<String, String> headers) {

        static List<Block> parse(String script) {
            List<Block> blocks = new ArrayList<>();
            String command = null;
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line : (script + "\n\n").split("\r?\n", -1)) {
                if (line.isEmpty()) {
                    if (command != null) {
                        blocks.add(new Block(command, headers));
                    }
                    command = null;
                    headers = new LinkedHashMap<>();
                } else if (command == null) {
                    command = line;
                } else {
                    int separator = line.indexOf(": ");
                    if (separator >= 0) {
                        headers.put(line.substring(0, separator), line.substring(separator + 2));
                    }
                }
            }
            return blocks;
        }
    }
}
