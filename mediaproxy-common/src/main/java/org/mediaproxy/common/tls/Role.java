package org.mediaproxy.common.tls;

/**
 * Whose credentials a process presents; selects the certificate and key file names in
 * {@code [TLS] certs_path} (configuration.md §6). The management client's files are our own
 * addition: the original had its management tools reuse the dispatcher's files.
 */
public enum Role {
    /** {@code dispatcher.crt}/{@code dispatcher.key}: serves relays and the management port. */
    DISPATCHER("dispatcher"),
    /** {@code relay.crt}/{@code relay.key}: client certificate towards dispatchers. */
    RELAY("relay"),
    /** {@code management.crt}/{@code management.key}: operator tools talking to the management port. */
    MANAGEMENT_CLIENT("management");

    private final String baseName;

    Role(String baseName) {
        this.baseName = baseName;
    }

    public String certificateFile() {
        return baseName + ".crt";
    }

    public String keyFile() {
        return baseName + ".key";
    }
}
