package org.mediaproxy.relay.session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's open-files limit ({@code RLIMIT_NOFILE}). Every relay port is one socket, so the
 * limit caps how many streams can exist. The original refuses to start when it cannot raise the
 * limit to the whole port range; this relay raises it as far as the system allows and lets the
 * caller run with the capacity that results.
 */
final class DescriptorLimit {

    private static final Logger LOG = LoggerFactory.getLogger(DescriptorLimit.class);
    private static final Path PROC_LIMITS = Path.of("/proc/self/limits");
    private static final int RLIMIT_NOFILE = 7;

    /** The two libc calls needed; {@code struct rlimit} is two 64-bit words (soft, hard). */
    public interface LibC {
        int getrlimit(int resource, @Out long[] limits);

        int setrlimit(int resource, @In long[] limits);
    }

    private DescriptorLimit() {
    }

    /**
     * Raises the soft limit to {@code wanted} if it is lower: to {@code wanted} for soft and hard
     * when permitted (CAP_SYS_RESOURCE), else as far as the hard limit. Returns the effective soft
     * limit as the kernel reports it.
     */
    static long raiseTo(long wanted) {
        OptionalLong current = readSoftLimit(PROC_LIMITS);
        if (current.isPresent() && current.getAsLong() >= wanted) {
            return current.getAsLong();
        }
        try {
            LibC libc = LibraryLoader.create(LibC.class).load("c");
            long[] limits = new long[2];
            if (libc.getrlimit(RLIMIT_NOFILE, limits) == 0) {
                long hard = unsigned(limits[1]);
                if (libc.setrlimit(RLIMIT_NOFILE, new long[] {wanted, Math.max(hard, wanted)}) != 0) {
                    libc.setrlimit(RLIMIT_NOFILE, new long[] {Math.min(wanted, hard), limits[1]});
                }
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Cannot change the open-files limit: {}", e.toString());
        }
        return readSoftLimit(PROC_LIMITS).orElse(current.orElse(wanted));
    }

    /** Parses the soft "Max open files" value of a {@code /proc/<pid>/limits} file. */
    static OptionalLong readSoftLimit(Path limitsFile) {
        try {
            List<String> lines = Files.readAllLines(limitsFile);
            for (String line : lines) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return OptionalLong.of(soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft));
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Cannot read {}: {}", limitsFile, e.toString());
        }
        return OptionalLong.empty();
    }

    private static long unsigned(long limit) {
        return limit < 0 ? Long.MAX_VALUE : limit;
    }
}
