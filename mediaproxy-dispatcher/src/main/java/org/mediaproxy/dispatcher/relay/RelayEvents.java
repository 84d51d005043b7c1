package org.mediaproxy.dispatcher.relay;

/** What happens on relay connections, as the dispatcher needs to know it. Called on the event loop. */
public interface RelayEvents {

    /** A relay passed TLS and passport checks; its link is ready for commands. */
    void connected(RelayLink link);

    /** The relay reported a session it ended on its own; {@code record} is the JSON text. */
    void expired(RelayLink link, String record);

    /** The connection is gone; pending commands have already failed. */
    void disconnected(RelayLink link);
}
