package org.mediaproxy.common.daemon;

/** How a daemon runs, chosen on the command line. */
public enum RunMode {
    /** Default: detach into the background, write a PID file, log to syslog. */
    BACKGROUND,
    /** {@code --no-fork}: stay in the foreground and log to the terminal. */
    FOREGROUND,
    /** {@code --systemd}: stay in the foreground, log to stderr for journald, talk sd_notify. */
    SYSTEMD
}
