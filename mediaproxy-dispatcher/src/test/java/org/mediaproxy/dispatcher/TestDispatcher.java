package org.mediaproxy.dispatcher;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.mediaproxy.common.tls.Passport;
import org.mediaproxy.common.config.DialogIdFormat;
import org.mediaproxy.common.tls.TlsCredentials;
import org.mediaproxy.dispatcher.web.DispatcherMetrics;

/** A real dispatcher for tests: real sockets in a temporary runtime directory, records collected. */
final class TestDispatcher implements AutoCloseable {

    static final String VERSION = "9.9.9-test";

    final MediaDispatcher dispatcher;
    final BlockingQueue<ObjectNode> records;
    private boolean stopped;

    private TestDispatcher(MediaDispatcher dispatcher, BlockingQueue<ObjectNode> records) {
        this.dispatcher = dispatcher;
        this.records = records;
    }

    Path socket() {
        return dispatcher.socketPath();
    }

    InetSocketAddress relayAddress() {
        return dispatcher.relayAddress();
    }

    InetSocketAddress managementAddress() {
        return dispatcher.managementAddress();
    }

    ObjectNode nextRecord(Duration timeout) throws InterruptedException {
        return records.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop() throws InterruptedException {
        if (!stopped) {
            stopped = true;
            dispatcher.shutdown();
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the dispatcher", e);
        }
    }

    static Builder builder(Path runtimeDir, TlsCredentials credentials) {
        return new Builder(runtimeDir, credentials);
    }

    static final class Builder {
        private final Path runtimeDir;
        private final TlsCredentials credentials;
        // Generous, so that a busy test machine does not turn answers into errors; the tests of
        // the budget itself set their own.
        Duration opensipsTimeout = Duration.ofSeconds(2);
        Duration relayTimeout = Duration.ofSeconds(5);
        Duration relayRecoverInterval = Duration.ofSeconds(60);
        Duration cleanupDeadRelaysAfter = Duration.ofHours(12);
        Duration cleanupExpiredSessionsAfter = Duration.ofHours(24);
        Duration loadPollInterval = Duration.ofHours(1);
        Duration purgeInterval = Dispatcher.PURGE_INTERVAL;
        Duration verifyInterval = Duration.ofMinutes(5);
        Passport passport = Passport.NONE;
        Passport managementPassport = Passport.NONE;
        boolean managementTls = true;
        Path opensipsMi;
        DialogIdFormat dialogIdFormat = DialogIdFormat.HEX;
        String version = VERSION;
        /** Where to serve metrics and the web page; null = off. */
        InetSocketAddress metricsAddress;

        private Builder(Path runtimeDir, TlsCredentials credentials) {
            this.runtimeDir = runtimeDir;
            this.credentials = credentials;
            this.opensipsMi = runtimeDir.resolve("opensips-mi.sock");
        }

        TestDispatcher start() throws Exception {
            BlockingQueue<ObjectNode> records = new LinkedBlockingQueue<>();
            MediaDispatcher.Setup setup = new MediaDispatcher.Setup(runtimeDir, runtimeDir.resolve("dispatcher.sock"),
                    new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0),
                    Optional.ofNullable(metricsAddress), credentials, verifyInterval, passport, managementTls, managementPassport,
                    opensipsTimeout, relayTimeout, relayRecoverInterval, cleanupDeadRelaysAfter, cleanupExpiredSessionsAfter,
                    opensipsMi, dialogIdFormat, version, loadPollInterval, purgeInterval);
            return new TestDispatcher(MediaDispatcher.start(setup, records::add, new DispatcherMetrics(), Clock.systemUTC()), records);
        }
    }
}
