package org.mediaproxy.common.daemon;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * POSIX signal handlers through {@code sun.misc.Signal}, the only way a JVM can tell SIGHUP from
 * SIGTERM (exported by {@code jdk.unsupported}, works on Java 17 and 25). The JVM runs each
 * delivery on a fresh thread, so callbacks may block.
 *
 * <p>Installing a handler for HUP, INT or TERM replaces the JVM's default of running the
 * shutdown hooks and exiting: the callback then owns the shutdown.
 */
public final class Signals {

    private static final Logger log = LoggerFactory.getLogger(Signals.class);

    /** The signals a MediaProxy daemon reacts to. */
    public enum Name {
        HUP, INT, TERM, USR1
    }

    private Signals() {
    }

    /**
     * Runs {@code callback} whenever the signal arrives; exceptions from it are logged.
     *
     * @return false when the signal was already ignored as the JVM started (a shell starts
     *     background jobs with SIGINT ignored, {@code nohup} ignores SIGHUP): the JVM then keeps
     *     it ignored and the callback can never run, which is logged as a warning
     */
    public static boolean handle(Name name, Runnable callback) {
        SignalHandler previous = Signal.handle(new Signal(name.name()), signal -> run(name, callback));
        if (previous == SignalHandler.SIG_IGN) {
            log.warn("SIG{} was ignored when this process started, so it cannot be handled;"
                    + " start the process without ignoring it (not with '&' from a script, nor nohup)", name);
            return false;
        }
        return true;
    }

    private static void run(Name name, Runnable callback) {
        log.debug("Received SIG{}", name);
        try {
            callback.run();
        } catch (RuntimeException e) {
            log.error("Handling SIG{} failed", name, e);
        }
    }
}
