package org.mediaproxy.dispatcher.relay;

import java.util.List;

/**
 * A command for a relay (dispatcher-relay-protocol.md §2): {@code update}/{@code remove} carry the
 * OpenSIPS header lines unchanged, {@code summary}/{@code sessions} carry none.
 */
public record RelayCommand(String name, List<String> headerLines) {

    public RelayCommand {
        headerLines = List.copyOf(headerLines);
    }

    public static RelayCommand summary() {
        return new RelayCommand("summary", List.of());
    }

    public static RelayCommand sessions() {
        return new RelayCommand("sessions", List.of());
    }

    /** The wire text: {@code name seq}, the header lines, an empty line, all CR LF terminated. */
    public String format(long seq) {
        StringBuilder text = new StringBuilder(64 + 48 * headerLines.size());
        text.append(name).append(' ').append(seq).append("\r\n");
        for (String line : headerLines) {
            text.append(line).append("\r\n");
        }
        return text.append("\r\n").toString();
    }
}
