package org.mediaproxy.dispatcher.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.mediaproxy.common.json.PythonJson;
import org.mediaproxy.dispatcher.relay.RelayCommand;
import org.mediaproxy.dispatcher.relay.RelayLink;
import org.mediaproxy.dispatcher.relay.RelayLoad;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management commands (management-interface.md §2-§4). Each answer is one line; relay answers
 * are passed through as the relays wrote them. Runs on the dispatcher's event loop.
 */
public final class ManagementService {

    private static final Logger log = LoggerFactory.getLogger(ManagementService.class);

    private final Supplier<Collection<RelayLink>> relays;
    private final String version;

    public ManagementService(Supplier<Collection<RelayLink>> relays, String version) {
        this.relays = relays;
        this.version = version;
    }

    /** @return the answer line, or empty when the client asked to close the connection */
    public CompletableFuture<Optional<String>> execute(String command) {
        switch (command) {
            case "summary":
                return summary().thenApply(Optional::of);
            case "sessions":
                return sessions().thenApply(Optional::of);
            case "version":
                return CompletableFuture.completedFuture(Optional.of(version));
            case "quit":
            case "exit":
                return CompletableFuture.completedFuture(Optional.empty());
            default:
                return CompletableFuture.completedFuture(Optional.of("error"));
        }
    }

    /** Every connected relay's summary; a relay that fails is listed as {@code {"status": "error", "ip": ...}}. */
    public CompletableFuture<String> summary() {
        List<CompletableFuture<String>> answers = new ArrayList<>();
        for (RelayLink relay : relays.get()) {
            answers.add(relay.send(RelayCommand.summary()).handle((answer, failure) -> {
                if (failure != null) {
                    ObjectNode error = PythonJson.object();
                    error.put("status", "error");
                    error.put("ip", relay.ip());
                    return PythonJson.write(error);
                }
                parse(relay, answer).ifPresent(json -> relay.reportedLoad(RelayLoad.fromSummary(json)));
                return answer;
            }));
        }
        return joinAll(answers).thenApply(parts -> "[" + String.join(", ", parts) + "]");
    }

    /** The elements of every relay's session list in one array; failed relays are left out. */
    public CompletableFuture<String> sessions() {
        List<CompletableFuture<String>> answers = new ArrayList<>();
        for (RelayLink relay : relays.get()) {
            answers.add(relay.send(RelayCommand.sessions()).handle((answer, failure) -> {
                if (failure != null) {
                    return "";
                }
                String list = answer.strip();
                if (!list.startsWith("[") || !list.endsWith("]")) {
                    log.warn("relay {} answered sessions with something that is not a list", relay.ip());
                    return "";
                }
                return list.substring(1, list.length() - 1).strip();
            }));
        }
        return joinAll(answers).thenApply(parts -> {
            parts.removeIf(String::isEmpty);
            return "[" + String.join(", ", parts) + "]";
        });
    }

    private static CompletableFuture<List<String>> joinAll(List<CompletableFuture<String>> answers) {
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<String> parts = new ArrayList<>();
            for (CompletableFuture<String> answer : answers) {
                parts.add(answer.join());
            }
            return parts;
        });
    }

    private static Optional<JsonNode> parse(RelayLink relay, String answer) {
        try {
            return Optional.of(PythonJson.parse(answer));
        } catch (IllegalArgumentException e) {
            log.debug("summary of relay {} is not JSON: {}", relay.ip(), e.getMessage());
            return Optional.empty();
        }
    }
}
