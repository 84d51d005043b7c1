package org.mediaproxy.common.daemon;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The smallest daemon built on {@link Daemon}, started as a real process by {@link DaemonTest}:
 * SIGHUP logs (a DEBUG line, then an INFO line), SIGINT/SIGTERM stop it with status 0.
 */
@Command(name = "test-daemon", description = "A daemon for the daemon plumbing tests.")
public final class TestDaemonMain implements Daemon.Program {

    private static final Logger log = LoggerFactory.getLogger(TestDaemonMain.class);

    @Mixin
    private final DaemonOptions daemonOptions = new DaemonOptions();

    @Option(names = "--fail-start", paramLabel = "REASON", description = "fail start-up with this reason")
    private String startFailure;

    public static void main(String[] args) {
        Daemon.main(new TestDaemonMain(), args);
    }

    @Override
    public int run(Daemon daemon) throws Exception {
        log.info("{} starting", daemon.programName());
        if (startFailure != null) {
            throw new IOException(startFailure);
        }
        CountDownLatch stop = new CountDownLatch(1);
        AtomicInteger hangups = new AtomicInteger();
        daemon.onSignal(Signals.Name.HUP, () -> {
            int count = hangups.incrementAndGet();
            log.debug("debug line after HUP {}", count);
            log.info("callback HUP {}", count);
        });
        for (Signals.Name name : new Signals.Name[] {Signals.Name.INT, Signals.Name.TERM}) {
            daemon.onSignal(name, () -> {
                log.info("callback {}", name);
                daemon.stopping();
                stop.countDown();
            });
        }
        log.info("{} started", daemon.programName());
        daemon.ready("test daemon running");
        stop.await();
        log.info("{} stopped", daemon.programName());
        return 0;
    }
}
