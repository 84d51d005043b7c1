package org.mediaproxy.relay.session;

/**
 * Receives what the session manager has to tell the links to the dispatchers. Called without
 * any session lock held, from the thread that caused the event (a timer, a command, a signal).
 */
public interface SessionListener {

    /**
     * A session ended on its own (all streams timed out) or because the relay is stopping;
     * {@code recordJson} is the session record to send as {@code expired <record>} to
     * {@code dispatcher}, the link through which the session was created.
     */
    void expired(String dispatcher, String recordJson);

    /** The relay was {@linkplain SessionManager#halt() halted} and has no session left: it may exit. */
    void idle();
}
