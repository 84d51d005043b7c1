package org.mediaproxy.common.daemon;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The background child's side of {@link Detacher}: its stdout and stderr are a pipe to the
 * waiting parent until start-up is over. One line tells the parent the outcome; then both
 * descriptors are pointed at {@code /dev/null}, which ends the parent's wait.
 */
final class StartupReport {

    /** Marks protocol lines; anything else on the pipe is ordinary output to pass on. */
    static final String MARK = "\u0001mediaproxy-daemon ";
    static final String READY = MARK + "ready";
    static final String FAILED = MARK + "failed ";

    private final OutputStream parent = new FileOutputStream(FileDescriptor.out);
    private boolean sent;

    synchronized void ready() {
        send(READY);
    }

    synchronized void failed(String reason) {
        send(FAILED + reason.replace('\n', ' '));
    }

    private void send(String line) {
        if (sent) {
            return;
        }
        sent = true;
        System.out.flush();
        System.err.flush();
        try {
            parent.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // The parent is gone (killed while waiting); nobody is left to tell.
        }
        detachStandardStreams();
    }

    /**
     * Closing a FileOutputStream on descriptor 1 or 2 makes the JDK dup2 /dev/null onto it rather
     * than free the number: the closest Java gets to a C daemon's stdio redirection.
     */
    private void detachStandardStreams() {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        System.setOut(nowhere);
        System.setErr(nowhere);
        for (FileDescriptor descriptor : new FileDescriptor[] {FileDescriptor.out, FileDescriptor.err}) {
            try {
                new FileOutputStream(descriptor).close();
            } catch (IOException e) {
                // Cannot open /dev/null: the descriptor stays a pipe whose reader has left.
            }
        }
    }
}
