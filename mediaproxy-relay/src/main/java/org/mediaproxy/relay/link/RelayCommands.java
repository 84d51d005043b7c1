package org.mediaproxy.relay.link;

import java.util.Map;

/**
 * What the links need from the relay's session table (the media core's {@code SessionManager}).
 * Callers never call it from two threads at once: {@link RelayControl} serialises every call.
 */
public interface RelayCommands {

    /**
     * Runs one dispatcher command and returns the reply payload ({@code error} on any failure).
     *
     * @param command    {@code update}, {@code remove}, {@code summary} or {@code sessions}
     * @param headers    the header lines as received, in order
     * @param dispatcher the id of the link the command came through; sessions remember it so
     *                   that their {@code expired} record goes back the same way
     */
    String execute(String command, Map<String, String> headers, String dispatcher);

    /** Sessions created through the given link that are still alive. */
    int sessionCount(String dispatcher);

    /** SIGHUP: refuse new sessions, keep serving the existing ones. */
    void halt();

    /** SIGINT/SIGTERM: end every session, reporting each through the session listener. */
    void expireAll();

    /** True when no session is left. */
    boolean isIdle();
}
