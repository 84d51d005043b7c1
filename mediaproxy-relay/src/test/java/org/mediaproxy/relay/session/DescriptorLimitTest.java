package org.mediaproxy.relay.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading and raising RLIMIT_NOFILE. */
class DescriptorLimitTest {

    @Test
    void softLimitIsReadFromProcLimits(@TempDir Path dir) throws Exception {
        Path limits = dir.resolve("limits");
        Files.writeString(limits, """
                Limit                     Soft Limit           Hard Limit           Units
                Max cpu time              unlimited            unlimited            seconds
                Max open files            20000                20000                files
                Max locked memory         8388608              8388608              bytes
                """);
        assertEquals(OptionalLong.of(20000), DescriptorLimit.readSoftLimit(limits));
        Files.writeString(limits, "Max open files            unlimited            unlimited            files\n");
        assertEquals(OptionalLong.of(Long.MAX_VALUE), DescriptorLimit.readSoftLimit(limits));
        assertEquals(OptionalLong.empty(), DescriptorLimit.readSoftLimit(dir.resolve("missing")));
    }

    @Test
    void raisingReportsTheEffectiveLimit() {
        long current = DescriptorLimit.readSoftLimit(Path.of("/proc/self/limits")).orElseThrow();
        assertEquals(current, DescriptorLimit.raiseTo(64));
        // Asking for more than the hard limit allows ends at what the kernel granted, no failure.
        long raised = DescriptorLimit.raiseTo(current + 1_000_000);
        assertTrue(raised >= current);
        assertEquals(raised, DescriptorLimit.readSoftLimit(Path.of("/proc/self/limits")).orElseThrow());
    }
}
