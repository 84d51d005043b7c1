package org.mediaproxy.dispatcher.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {

    @TempDir
    Path directory;

    @Test
    void keepsRecordsInOrderAcrossReopening() throws Exception {
        Spool spool = Spool.open(directory);
        assertTrue(spool.isEmpty());
        assertNull(spool.head());
        spool.append("{\"n\": 1}");
        spool.append("{\"n\": 2}");
        spool.append("{\"n\": 3}");
        spool.removeHead(spool.head());

        Spool reopened = Spool.open(directory);
        assertEquals(2, reopened.size());
        assertEquals("{\"n\": 2}", reopened.head().json());
        reopened.append("{\"n\": 4}");
        List<String> order = new ArrayList<>();
        while (!reopened.isEmpty()) {
            Spool.Entry head = reopened.head();
            order.add(head.json());
            reopened.removeHead(head);
        }
        assertEquals(List.of("{\"n\": 2}", "{\"n\": 3}", "{\"n\": 4}"), order);
    }

    @Test
    void aRecordIsOneCompleteFileNamedBySequence() throws Exception {
        Spool spool = Spool.open(directory);
        spool.append("{\"call_id\": \"\\u00e9\"}");
        try (Stream<Path> files = Files.list(directory)) {
            assertEquals(List.of("00000000000000000001.json"),
                    files.map(file -> file.getFileName().toString()).toList());
        }
        assertEquals("{\"call_id\": \"\\u00e9\"}", Files.readString(directory.resolve("00000000000000000001.json")));
    }

    @Test
    void dropsHalfWrittenFilesFromACrashAndSetsRejectedRecordsAside() throws Exception {
        Files.writeString(directory.resolve("00000000000000000007.json.tmp"), "{\"trunc");
        Files.writeString(directory.resolve("00000000000000000005.json"), "{\"n\": 5}");
        Spool spool = Spool.open(directory);
        assertFalse(Files.exists(directory.resolve("00000000000000000007.json.tmp")));
        assertEquals(1, spool.size());

        Path rejected = spool.reject("{\"bad\": true}");
        assertEquals(directory.resolve("rejected"), rejected.getParent());
        assertEquals("{\"bad\": true}", Files.readString(rejected));
        assertEquals(1, Spool.open(directory).size(), "rejected records are not replayed");

        spool.append("{\"n\": 6}");
        assertEquals("{\"n\": 5}", spool.head().json());
        assertEquals(2, Spool.open(directory).size());
        assertThrows(IllegalStateException.class, () -> spool.removeHead(new Spool.Entry(99, "")));
    }
}
