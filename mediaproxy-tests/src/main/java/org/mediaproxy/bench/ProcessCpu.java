package org.mediaproxy.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time a process (all its threads, user and system) has used so far, from
 * {@code /proc/<pid>/stat}. Softirq work done in the process's context — on loopback that includes
 * delivering what it sends — is part of its system time (no IRQ time accounting on this kernel).
 */
final class ProcessCpu {

    /** USER_HZ: the unit of utime/stime, 100 on every Linux architecture the bench runs on. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private ProcessCpu() {
    }

    static long nanos(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read CPU time of process " + pid, e);
        }
        // The command name may contain spaces; fields are counted after its closing parenthesis.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long utime = Long.parseLong(fields[11]); // field 14 of proc(5)
        long stime = Long.parseLong(fields[12]); // field 15
        return (utime + stime) * NANOS_PER_TICK;
    }
}
