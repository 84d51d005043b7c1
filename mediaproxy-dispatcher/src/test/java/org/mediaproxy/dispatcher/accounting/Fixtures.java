package org.mediaproxy.dispatcher.accounting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mediaproxy.common.json.PythonJson;

/** The original 4.1.2's accounting output (fixtures/original-4.1.2). */
public final class Fixtures {

    public static final String DIRECTORY = "/fixtures/original-4.1.2/";
    private static final Pattern INSERTED_INFO = Pattern.compile("^INSERT INTO \"media_sessions\" VALUES\\(\\d+,'[^']*','[^']*','[^']*','(\\{.*\\})'\\);$",
            Pattern.MULTILINE);

    private Fixtures() {
    }

    public static String text(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream(DIRECTORY + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The info column texts of the original's SQLite table, exactly as its dispatcher wrote them:
     * [0] the call ended by BYE, [1] the call that timed out.
     */
    public static List<String> originalInfoTexts() {
        Matcher matcher = INSERTED_INFO.matcher(text("accounting-sqlite-dump.txt"));
        List<String> texts = new ArrayList<>();
        while (matcher.find()) {
            texts.add(matcher.group(1));
        }
        return texts;
    }

    /** The original's record as the dispatcher would hand it to accounting (key order kept). */
    public static ObjectNode record(int index) {
        return (ObjectNode) PythonJson.parse(originalInfoTexts().get(index));
    }

    /** The same record for a different call, so tests sharing a server do not collide. */
    public static ObjectNode record(int index, String callId) {
        ObjectNode record = record(index);
        record.put("call_id", callId);
        return record;
    }

    /** call1-accounting.json / call2-expired-accounting.json: the row as the original stored it. */
    public static JsonNode storedRow(int index) {
        String name = index == 0 ? "call1-accounting.json" : "call2-expired-accounting.json";
        return PythonJson.parse(text(name)).get(0);
    }
}
