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
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records one backend could not take yet, on disk, oldest first.
 *
 * <p>Records are written in batches: all records waiting at that moment go into one file,
 * {@code <20-digit sequence>-<record count>.jsonl}, one record's JSON text per line (the texts
 * are single-line JSON). A batch is written to a temporary name, forced to disk, renamed into
 * place and the directory is forced too, so after a crash every listed file is complete; one
 * batch costs two disk flushes whatever its size, which keeps spooling fast during an outage.
 *
 * <p>Delivery progress inside the head batch is kept in memory only and the file is deleted once
 * all its records are delivered. After a crash the head batch is therefore delivered again from
 * its first record, which the backends treat as a no-op. Records a backend refuses for good go to
 * {@code rejected/}, one file each, where an operator can find them.
 *
 * <p>Thread-safe; normally used by one accounting worker, plus the shutdown path.
 */
final class Spool {

    private static final Logger log = LoggerFactory.getLogger(Spool.class);
    private static final Pattern BATCH_FILE = Pattern.compile("(\\d{20})-(\\d+)\\.jsonl");
    private static final String TEMPORARY_SUFFIX = ".tmp";

    private final Path directory;
    private final Path rejectedDirectory;
    private final Deque<Batch> batches = new ArrayDeque<>();
    private long nextNumber;
    /**
     * Records waiting. Changed only under the lock, read without it: the metrics ask for the depth
     * while a batch may be on its way to disk, and must not wait behind that fsync.
     */
    private volatile int size;
    /** Records of the head batch once read, and how many of them are delivered. */
    private List<String> headRecords;
    private int headDelivered;

    private record Batch(long number, String fileName, int size) {
        static Batch of(long number, int size) {
            return new Batch(number, String.format("%020d-%d.jsonl", number, size), size);
        }
    }

    /** The oldest spooled record and where it sits. */
    record Entry(long batch, int index, String json) {
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
                Matcher matcher = BATCH_FILE.matcher(name);
                if (matcher.matches()) {
                    Batch batch = new Batch(Long.parseLong(matcher.group(1)), name, Integer.parseInt(matcher.group(2)));
                    batches.add(batch);
                    size += batch.size();
                    highest = Math.max(highest, batch.number());
                } else if (name.endsWith(TEMPORARY_SUFFIX)) {
                    // Never renamed into place, so never acknowledged as spooled: the records were
                    // still in memory when the process died. Logged so their content is not lost.
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

    boolean isEmpty() {
        return size == 0;
    }

    /** Records waiting, over all batches; never blocks. */
    int size() {
        return size;
    }

    /** Adds records at the end of the queue; when this returns they survive a crash. */
    synchronized void append(List<String> records) throws IOException {
        if (records.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder();
        for (String record : records) {
            if (record.indexOf('\n') >= 0 || record.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("a spooled record must be one line of JSON");
            }
            text.append(record).append('\n');
        }
        Batch batch = Batch.of(nextNumber, records.size());
        writeDurably(directory, batch.fileName(), text.toString());
        nextNumber++;
        batches.add(batch);
        size += batch.size();
    }

    /** The oldest record, or null when the spool is empty. */
    synchronized Entry head() throws IOException {
        while (!batches.isEmpty()) {
            Batch batch = batches.peekFirst();
            if (headRecords == null) {
                headRecords = Files.readAllLines(directory.resolve(batch.fileName()), StandardCharsets.UTF_8)
                        .stream().filter(line -> !line.isBlank()).toList();
                headDelivered = 0;
                if (headRecords.size() != batch.size()) {
                    // Edited by hand: trust the lines, not the name.
                    size += headRecords.size() - batch.size();
                    batches.removeFirst();
                    batches.addFirst(new Batch(batch.number(), batch.fileName(), headRecords.size()));
                }
            }
            if (headDelivered < headRecords.size()) {
                return new Entry(batch.number(), headDelivered, headRecords.get(headDelivered));
            }
            dropHeadBatch();
        }
        return null;
    }

    /** Drops the oldest record once it has been delivered (or set aside). */
    synchronized void removeHead(Entry entry) throws IOException {
        Batch batch = batches.peekFirst();
        if (batch == null || headRecords == null || batch.number() != entry.batch() || headDelivered != entry.index()) {
            throw new IllegalStateException("spool entry " + entry.batch() + "/" + entry.index()
                    + " is not the head of " + directory);
        }
        headDelivered++;
        size--;
        if (headDelivered >= headRecords.size()) {
            dropHeadBatch();
        }
    }

    private void dropHeadBatch() throws IOException {
        Batch batch = batches.removeFirst();
        headRecords = null;
        headDelivered = 0;
        Files.deleteIfExists(directory.resolve(batch.fileName()));
    }

    /** Keeps a record that a backend refused for good; returns the file it was written to. */
    synchronized Path reject(String json) throws IOException {
        Files.createDirectories(rejectedDirectory);
        String name = System.currentTimeMillis() + "-" + nextNumber++ + ".json";
        writeDurably(rejectedDirectory, name, json);
        return rejectedDirectory.resolve(name);
    }

    private static void writeDurably(Path directory, String name, String text) throws IOException {
        Path temporary = directory.resolve(name + TEMPORARY_SUFFIX);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
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
