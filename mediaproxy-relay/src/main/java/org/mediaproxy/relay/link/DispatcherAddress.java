package org.mediaproxy.relay.link;

/**
 * Where a dispatcher listens for relays. The host is an IP literal, a name from the
 * {@code dispatchers} option or the target of its SRV record; its string form {@code host:port}
 * is the id sessions use to remember which dispatcher created them.
 */
public record DispatcherAddress(String host, int port) {

    public static final int DEFAULT_PORT = 25060;

    public DispatcherAddress {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("dispatcher host is empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("dispatcher port " + port + " is out of range");
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
