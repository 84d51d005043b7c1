package org.mediaproxy.common.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/** {@code <runtime-dir>/<prog>.pid} of a background daemon: written at start, removed at exit. */
final class PidFile {

    private final Path path;
    private final long pid;

    private PidFile(Path path, long pid) {
        this.path = path;
        this.pid = pid;
    }

    /**
     * Writes this process's PID, replacing a file left by a dead process.
     *
     * @throws IllegalStateException when the file names another live JVM (already running)
     */
    static PidFile write(Path path) throws IOException {
        long self = ProcessHandle.current().pid();
        Optional<ProcessHandle> other = owner(path).filter(process -> process.pid() != self);
        if (other.isPresent()) {
            throw new IllegalStateException("already running (pid " + other.get().pid() + " in " + path + ")");
        }
        // Written aside and renamed, so a reader never sees a half-written number.
        Path temporary = path.resolveSibling(path.getFileName() + ".tmp");
        Files.writeString(temporary, self + "\n", StandardCharsets.US_ASCII);
        Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new PidFile(path, self);
    }

    /** Removes the file if it still holds our PID (another instance may have replaced it). */
    void delete() {
        try {
            if (Files.readString(path, StandardCharsets.US_ASCII).strip().equals(Long.toString(pid))) {
                Files.delete(path);
            }
        } catch (IOException e) {
            // Already gone, or the runtime directory vanished: nothing left to clean up.
        }
    }

    // A live Java process named by the file. Any other process (or a zombie, whose command is
    // unreadable) means the PID was left behind by a dead daemon.
    private static Optional<ProcessHandle> owner(Path path) throws IOException {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(text);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(process -> process.info().command().map(c -> c.endsWith("/java")).orElse(false));
    }
}
