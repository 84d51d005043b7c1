package org.mediaproxy.dispatcher.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

    @TempDir
    Path directory;

    private static List<String> drain(Spool spool) throws IOException {
        List<String> order = new ArrayList<>();
        Spool.Entry head;
        while ((head = spool.head()) != null) {
            order.add(head.json());
            spool.removeHead(head);
        }
        return order;
    }

    private List<String> files() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theDepthIsReadWithoutWaitingForAWriteInProgress() throws Exception {
        Spool spool = Spool.open(directory);
        spool.append(List.of("{\"n\": 1}", "{\"n\": 2}"));
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        // Holds the spool's lock the way a batch being forced to disk does.
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            synchronized (spool) {
                writing.countDown();
                try {
                    done.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        try {
            assertTrue(writing.await(5, TimeUnit.SECONDS));
            assertEquals(2, CompletableFuture.supplyAsync(spool::size).get(1, TimeUnit.SECONDS));
            assertFalse(CompletableFuture.supplyAsync(spool::isEmpty).get(1, TimeUnit.SECONDS));
        } finally {
            done.countDown();
            writer.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void keepsRecordsInOrderAcrossBatchesAndReopening() throws Exception {
        Spool spool = Spool.open(directory);
        assertTrue(spool.isEmpty());
        assertNull(spool.head());
        spool.append(List.of("{\"n\": 1}", "{\"n\": 2}"));
        spool.append(List.of("{\"n\": 3}"));
        assertEquals(3, spool.size());
        spool.removeHead(spool.head());
        assertEquals(2, spool.size());

        // Progress inside a batch lives in memory: after a restart the batch starts over.
        Spool reopened = Spool.open(directory);
        assertEquals(3, reopened.size());
        reopened.append(List.of("{\"n\": 4}"));
        assertEquals(List.of("{\"n\": 1}", "{\"n\": 2}", "{\"n\": 3}", "{\"n\": 4}"), drain(reopened));
        assertTrue(reopened.isEmpty());
        assertEquals(List.of(), files(), "delivered batches are deleted");
    }

    @Test
    void aBatchIsOneCompleteFileOfJsonLines() throws Exception {
        Spool spool = Spool.open(directory);
        spool.append(List.of("{\"call_id\": \"\\u00e9\"}", "{\"call_id\": \"b\"}"));
        assertEquals(List.of("00000000000000000001-2.jsonl"), files());
        assertEquals("{\"call_id\": \"\\u00e9\"}\n{\"call_id\": \"b\"}\n",
                Files.readString(directory.resolve("00000000000000000001-2.jsonl")));
        assertThrows(IllegalArgumentException.class, () -> spool.append(List.of("{\n}")));
    }

    @Test
    void dropsHalfWrittenFilesFromACrashAndSetsRejectedRecordsAside() throws Exception {
        Files.writeString(directory.resolve("00000000000000000007-1.jsonl.tmp"), "{\"trunc");
        Files.writeString(directory.resolve("00000000000000000005-1.jsonl"), "{\"n\": 5}\n");
        Spool spool = Spool.open(directory);
        assertFalse(Files.exists(directory.resolve("00000000000000000007-1.jsonl.tmp")));
        assertEquals(1, spool.size());

        Path rejected = spool.reject("{\"bad\": true}");
        assertEquals(directory.resolve("rejected"), rejected.getParent());
        assertEquals("{\"bad\": true}", Files.readString(rejected));
        assertEquals(1, Spool.open(directory).size(), "rejected records are not replayed");

        spool.append(List.of("{\"n\": 6}"));
        assertEquals(2, Spool.open(directory).size());
        assertThrows(IllegalStateException.class, () -> spool.removeHead(new Spool.Entry(99, 0, "")));
        assertEquals(List.of("{\"n\": 5}", "{\"n\": 6}"), drain(spool));
    }

    @Test
    void trustsTheLinesOfAHandEditedBatchOverItsName() throws Exception {
        Files.writeString(directory.resolve("00000000000000000001-3.jsonl"), "{\"n\": 1}\n");
        Files.writeString(directory.resolve("00000000000000000002-1.jsonl"), "{\"n\": 2}\n{\"n\": 3}\n");
        Spool spool = Spool.open(directory);
        assertEquals(4, spool.size(), "as the names say");
        assertEquals(List.of("{\"n\": 1}", "{\"n\": 2}", "{\"n\": 3}"), drain(spool));
        assertEquals(0, spool.size());
    }
}
