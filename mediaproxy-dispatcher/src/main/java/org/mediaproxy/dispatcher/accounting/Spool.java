package org.mediaproxy.dispatcher.accounting;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records one backend could not take yet, on disk, oldest first.
 *
 * <p>One file per record, named by a sequence number ({@code 00000000000000000042.json}), holding
 * the record's JSON text. A record is written to a temporary file, forced to disk, renamed into
 * place and the directory is forced too, so after a crash every listed file is complete. Removing
 * the head after delivery is not forced: if a crash undoes the removal the record is delivered
 * again, which the backends treat as a no-op. Records a backend refuses for good go to
 * {@code rejected/} next to the queue, where an operator can find them.
 *
 * <p>Thread-safe; normally used by one accounting worker, plus the shutdown path.
 */
final class Spool {

    private static final Logger log = LoggerFactory.getLogger(Spool.class);
    private static final Pattern RECORD_FILE = Pattern.compile("(\\d{20})\\.json");
    private static final String TEMPORARY_SUFFIX = ".tmp";

    private final Path directory;
    private final Path rejectedDirectory;
    private final Deque<Long> sequence = new ArrayDeque<>();
    private long nextNumber;

    /** A spooled record: its position in the queue and its JSON text. */
    record Entry(long number, String json) {
    }

    private Spool(Path directory) {
        this.directory = directory;
        this.rejectedDirectory = directory.resolve("rejected");
    }

    /** Opens (creating if needed) the spool in {@code directory} and lists what a previous run left. */
    static Spool open(Path directory) throws IOException {
        Spool spool = new Spool(directory);
        Files.createDirectories(directory);
        spool.scan();
        return spool;
    }

    private void scan() throws IOException {
        long highest = 0;
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files.sorted()::iterator) {
                String name = file.getFileName().toString();
                Matcher matcher = RECORD_FILE.matcher(name);
                if (matcher.matches()) {
                    long number = Long.parseLong(matcher.group(1));
                    sequence.add(number);
                    highest = Math.max(highest, number);
                } else if (name.endsWith(TEMPORARY_SUFFIX)) {
                    // Never renamed into place, so never acknowledged as spooled: the record was
                    // still in memory when the process died. Logged so its content is not lost.
                    log.warn("removing incomplete spool file {}: {}", file,
                            Files.readString(file, StandardCharsets.UTF_8));
                    Files.delete(file);
                }
            }
        }
        nextNumber = highest + 1;
    }

    Path directory() {
        return directory;
    }

    synchronized boolean isEmpty() {
        return sequence.isEmpty();
    }

    synchronized int size() {
        return sequence.size();
    }

    /** Adds a record at the end of the queue; when this returns the record survives a crash. */
    synchronized void append(String json) throws IOException {
        long number = nextNumber;
        writeDurably(directory, fileName(number), json);
        nextNumber = number + 1;
        sequence.add(number);
    }

    /** The oldest record, or null when the spool is empty. */
    synchronized Entry head() throws IOException {
        Long number = sequence.peekFirst();
        if (number == null) {
            return null;
        }
        return new Entry(number, Files.readString(directory.resolve(fileName(number)), StandardCharsets.UTF_8));
    }

    /** Drops the oldest record once it has been delivered (or set aside). */
    synchronized void removeHead(Entry entry) throws IOException {
        Long number = sequence.peekFirst();
        if (number == null || number != entry.number()) {
            throw new IllegalStateException("spool entry " + entry.number() + " is not the head of " + directory);
        }
        Files.deleteIfExists(directory.resolve(fileName(number)));
        sequence.removeFirst();
    }

    /** Keeps a record that a backend refused for good; returns the file it was written to. */
    synchronized Path reject(String json) throws IOException {
        Files.createDirectories(rejectedDirectory);
        String name = System.currentTimeMillis() + "-" + nextNumber++ + ".json";
        writeDurably(rejectedDirectory, name, json);
        return rejectedDirectory.resolve(name);
    }

    private static String fileName(long number) {
        return String.format("%020d.json", number);
    }

    private static void writeDurably(Path directory, String name, String json) throws IOException {
        Path temporary = directory.resolve(name + TEMPORARY_SUFFIX);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        Files.move(temporary, directory.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel directoryChannel = FileChannel.open(directory, StandardOpenOption.READ)) {
            directoryChannel.force(true);
        }
    }
}
