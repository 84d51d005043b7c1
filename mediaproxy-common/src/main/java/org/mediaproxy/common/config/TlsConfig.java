package org.mediaproxy.common.config;

import java.time.Duration;
import java.nio.file.Path;

/**
 * {@code [TLS]}: where the credentials are and how often live peers are re-verified.
 *
 * @param certsPath directory with {@code ca.pem}, {@code crl.pem} and the daemon's certificate and
 *     key; a relative path in the file is already resolved in the configuration directories here
 */
public record TlsConfig(Path certsPath, Duration verifyInterval) {
}
