package org.mediaproxy.common.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemdNotifierTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void statusAndStoppingAreSingleDatagrams() throws Exception {
        String name = "mediaproxy-notify-test-" + System.nanoTime();
        try (DatagramSink systemd = new DatagramSink("\0" + name);
             SystemdNotifier notifier = new SystemdNotifier("@" + name)) {
            notifier.status("3 sessions\nno newline may split it");
            notifier.stopping();
            assertEquals("STATUS=3 sessions no newline may split it", systemd.await(d -> true, WAIT));
            assertEquals("STOPPING=1", systemd.await(d -> true, WAIT));
        }
    }

    @Test
    void notifyingAMissingSocketDoesNotThrow() throws Exception {
        try (SystemdNotifier notifier = new SystemdNotifier(dir.resolve("gone").toString())) {
            notifier.ready("running");
            notifier.stopping();
        }
        try (SystemdNotifier notifier = new SystemdNotifier("@mediaproxy-test-nobody-listens-" + System.nanoTime())) {
            notifier.status("still here");
        }
    }

    @Test
    void emptySocketNameIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new SystemdNotifier("@"));
    }
}
