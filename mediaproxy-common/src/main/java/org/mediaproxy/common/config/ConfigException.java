package org.mediaproxy.common.config;

/**
 * The configuration cannot be used. The message is one line meant for the operator, naming the
 * file and, for a bad value, the section, option and value, e.g.
 * {@code /etc/mediaproxy/config.ini: [Relay] port_range = 40001:60000: start port must be even}.
 * The daemons log it and exit with status 1.
 */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
