package org.mediaproxy.dispatcher.opensips;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Collects the CRLF-separated lines of one connection into requests, following the original
 * dispatcher's rules (opensips-protocol.md §2): empty lines before a request are ignored, a line
 * ending in {@code ": "} (a header with an empty value) is dropped, the first line is the
 * command, an empty line ends the request. Not thread-safe: one instance per connection.
 */
public final class RequestAssembler {

    /**
     * OpenSIPS builds requests in an 8 KiB buffer; a "request" of many more lines without the
     * terminating empty line is garbage and must not grow without bound.
     */
    public static final int MAX_REQUEST_CHARS = 65536;

    private final List<String> lines = new ArrayList<>();
    private int chars;
    private String defect;

    /**
     * Feeds one line (without its CRLF).
     *
     * @return the finished request when {@code line} was the terminating empty line
     * @throws RequestTooLongException when the lines of one request exceed {@link #MAX_REQUEST_CHARS}
     */
    public Optional<OpenSipsMessage> line(String line) {
        if (line.isEmpty()) {
            if (!inRequest()) {
                return Optional.empty();
            }
            OpenSipsMessage message = defect != null ? new MalformedRequest(defect) : build(lines);
            lines.clear();
            chars = 0;
            defect = null;
            return Optional.of(message);
        }
        count(line.length());
        if (!line.endsWith(": ")) {
            lines.add(line);
        }
        return Optional.empty();
    }

    /**
     * Feeds a line that could not be decoded (not UTF-8): the request it belongs to is answered
     * {@code error} once its empty line arrives.
     */
    public void invalidLine(int length, String reason) {
        count(length);
        if (defect == null) {
            defect = reason;
        }
    }

    /** True while part of a request has been received: closing now would truncate it. */
    public boolean inRequest() {
        return !lines.isEmpty() || defect != null;
    }

    private void count(int lineLength) {
        chars += lineLength + 2;
        if (chars > MAX_REQUEST_CHARS) {
            throw new RequestTooLongException(chars);
        }
    }

    private static OpenSipsMessage build(List<String> lines) {
        String name = lines.get(0);
        OpenSipsRequest.Command command;
        if (name.equals("update")) {
            command = OpenSipsRequest.Command.UPDATE;
        } else if (name.equals("remove")) {
            command = OpenSipsRequest.Command.REMOVE;
        } else {
            return new MalformedRequest("unknown command " + quote(name));
        }
        List<String> headerLines = List.copyOf(lines.subList(1, lines.size()));
        Map<String, String> headers = new HashMap<>();
        for (String header : headerLines) {
            int separator = header.indexOf(": ");
            if (separator < 0) {
                return new MalformedRequest("header line without \": \": " + quote(header));
            }
            headers.put(header.substring(0, separator), header.substring(separator + 2));
        }
        if (!headers.containsKey("call_id")) {
            return new MalformedRequest(name + " request without call_id");
        }
        return new OpenSipsRequest(command, headerLines, headers);
    }

    private static String quote(String text) {
        String shown = text.length() > 80 ? text.substring(0, 80) + "..." : text;
        return "'" + shown + "'";
    }

    /** Thrown when a request grows beyond any size OpenSIPS can produce. */
    public static final class RequestTooLongException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RequestTooLongException(int chars) {
            super("request longer than " + MAX_REQUEST_CHARS + " characters (" + chars + " so far) without its empty line");
        }
    }
}
