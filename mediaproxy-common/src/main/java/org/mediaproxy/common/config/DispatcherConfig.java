package org.mediaproxy.common.config;

import org.mediaproxy.common.daemon.LogLevel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.mediaproxy.common.tls.Passport;

/**
 * {@code [Dispatcher]}: what the media dispatcher reads (configuration.md §3, plus our options).
 *
 * @param socketPath UNIX socket for OpenSIPS, as written; a relative path is resolved by the
 *     dispatcher against its runtime directory
 * @param accounting enabled accounting backends in configuration order, lower case, each
 *     {@code database} or {@code radius}
 * @param opensipsTimeout our option {@code opensips_timeout} (milliseconds): the dispatcher answers
 *     OpenSIPS within it; the default matches the module's {@code mediaproxy_timeout} (500 ms)
 * @param listenMetrics our option {@code listen_metrics}: where to serve metrics; empty = off
 * @param spoolDir our option {@code spool_dir}: durable accounting spool
 */
public record DispatcherConfig(String socketPath, HostPort listen, HostPort listenManagement, boolean managementUseTls,
        Passport passport, Passport managementPassport, LogLevel logLevel, Duration relayTimeout,
        Duration relayRecoverInterval, Duration cleanupDeadRelaysAfter, Duration cleanupExpiredSessionsAfter,
        Set<String> accounting, Duration opensipsTimeout, Optional<HostPort> listenMetrics, Path spoolDir) {

    public static final int DEFAULT_PORT = 25060;
    public static final int DEFAULT_MANAGEMENT_PORT = 25061;
    public static final int DEFAULT_METRICS_PORT = 9125;
    /** The accounting backends there are. */
    public static final Set<String> ACCOUNTING_BACKENDS = Set.of("database", "radius");

    public DispatcherConfig {
        accounting = Collections.unmodifiableSet(new LinkedHashSet<>(accounting));
    }

    static DispatcherConfig read(SectionReader in) throws ConfigException {
        return new DispatcherConfig(
                in.nonEmpty("socket_path", "dispatcher.sock"),
                in.listenAddress("listen", DEFAULT_PORT),
                in.listenAddress("listen_management", DEFAULT_MANAGEMENT_PORT),
                in.bool("management_use_tls", true),
                in.passport("passport"),
                in.passport("management_passport"),
                in.logLevel("log_level", LogLevel.INFO),
                in.seconds("relay_timeout", 5, 1),
                in.seconds("relay_recover_interval", 60, 1),
                in.seconds("cleanup_dead_relays_after", 43200, 0),
                in.seconds("cleanup_expired_sessions_after", 86400, 0),
                in.words("accounting", ACCOUNTING_BACKENDS),
                in.millis("opensips_timeout", 500, 1),
                in.optionalListenAddress("listen_metrics", DEFAULT_METRICS_PORT),
                in.get("spool_dir", Path.of("/var/spool/mediaproxy"), SectionReader::path));
    }
}
