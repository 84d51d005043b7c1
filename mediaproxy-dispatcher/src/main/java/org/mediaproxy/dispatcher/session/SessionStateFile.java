package org.mediaproxy.dispatcher.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.mediaproxy.common.json.PythonJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session table saved at shutdown ({@code <runtime dir>/dispatcher_state}) and read back at
 * start. Relays tell a restarted dispatcher which calls they carry, but not the OpenSIPS dialog
 * ids nor which calls already expired; this file keeps exactly that. JSON (the original's pickle
 * cannot be shared with Java anyway), written to a temporary file and renamed; deleted once the
 * dispatcher that read it is running, so that a failed start does not lose it.
 */
public final class SessionStateFile {

    private static final Logger log = LoggerFactory.getLogger(SessionStateFile.class);
    private static final String FORMAT = "mediaproxy dispatcher state 1";

    private SessionStateFile() {
    }

    public static void save(Path file, Collection<DispatcherSession> sessions) throws IOException {
        ObjectNode root = PythonJson.object();
        root.put("format", FORMAT);
        ArrayNode list = root.putArray("sessions");
        for (DispatcherSession session : sessions) {
            ObjectNode entry = list.addObject();
            entry.put("call_id", session.callId());
            entry.put("relay", session.relayIp());
            entry.put("dialog_id", session.dialogId());
            entry.put("expired_at", session.expiredAt() == null ? null : session.expiredAt().toString());
            entry.put("adopted", session.adopted());
        }
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, PythonJson.write(root) + "\n", StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads the file; a missing or damaged file yields no sessions (logged). */
    public static List<DispatcherSession> load(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<DispatcherSession> sessions = new ArrayList<>();
        try {
            JsonNode root = PythonJson.parse(Files.readString(file, StandardCharsets.UTF_8));
            if (!FORMAT.equals(root.path("format").asText())) {
                throw new IllegalArgumentException("not a dispatcher state file of this version");
            }
            for (JsonNode entry : root.path("sessions")) {
                String expiredAt = text(entry, "expired_at");
                sessions.add(new DispatcherSession(
                        entry.get("call_id").asText(),
                        entry.get("relay").asText(),
                        text(entry, "dialog_id"),
                        expiredAt == null ? null : Instant.parse(expiredAt),
                        entry.path("adopted").asBoolean(false)));
            }
        } catch (IOException | RuntimeException e) {
            log.warn("ignoring unreadable session state {}: {}", file, e.getMessage());
            sessions.clear();
        }
        return sessions;
    }

    public static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("cannot delete {}: {}", file, e.getMessage());
        }
    }

    private static String text(JsonNode entry, String key) {
        JsonNode value = entry.get(key);
        return value == null || value.isNull() ? null : value.asText();
    }
}
