package org.mediaproxy.dispatcher.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccountingTest {

    private static final DeliveryPolicy FAST =
            new DeliveryPolicy(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(2));
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path spool;

    private static ObjectNode record(String callId) {
        return Fixtures.record(0, callId);
    }

    private static List<String> callIds(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
    }

    @Test
    void logsEveryRecordAndAccountsOnlyAnsweredSessions() throws Exception {
        ScriptedBackend backend = new ScriptedBackend("test");
        try (LogCapture log = LogCapture.of(Accounting.class);
             Accounting accounting = Accounting.start(List.of(backend), spool, FAST)) {
            ObjectNode unanswered = record("never-answered");
            unanswered.putNull("start_time");
            accounting.submit(unanswered);
            accounting.submit(record("answered"));

            Await.until("the answered record", WAIT, () -> backend.delivered().contains("answered"));
            assertEquals(List.of("answered"), backend.delivered());
            assertTrue(log.messages().contains("statistics: " + SessionRecord.of(unanswered).json()));
            assertTrue(log.messages().contains("statistics: " + SessionRecord.of(record("answered")).json()));
        }
        assertTrue(backend.closed());
    }

    @Test
    void aBrokenRecordIsLoggedNotAccounted() throws Exception {
        ScriptedBackend backend = new ScriptedBackend("test");
        try (LogCapture log = LogCapture.of(Accounting.class);
             Accounting accounting = Accounting.start(List.of(backend), spool, FAST)) {
            ObjectNode broken = record("x");
            broken.remove("call_id");
            accounting.submit(broken);
            accounting.submit(record("fine"));
            Await.until("the good record", WAIT, () -> backend.delivered().contains("fine"));
            assertEquals(List.of("fine"), backend.delivered());
            assertTrue(log.text().contains("cannot account this session record: session record without a call_id"));
        }
    }

    @Test
    void anUnavailableBackendGetsItsRecordsLaterInOrderWhileTheOtherCarriesOn() throws Exception {
        ScriptedBackend down = new ScriptedBackend("down");
        ScriptedBackend up = new ScriptedBackend("up");
        down.available(false);
        List<String> calls = callIds("call-", 20);
        try (Accounting accounting = Accounting.start(List.of(down, up), spool, FAST)) {
            calls.forEach(call -> accounting.submit(record(call)));

            Await.until("the working backend", WAIT, () -> up.delivered().size() == 20);
            Await.until("everything spooled", WAIT, () -> accounting.spoolDepth() == 20);
            assertEquals(List.of(), down.delivered());
            try (Stream<Path> files = Files.list(spool.resolve("down"))) {
                assertEquals(20, files.mapToLong(file -> {
                    try {
                        return Files.readAllLines(file).size();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).sum(), "on disk");
            }

            down.available(true);
            Await.until("the replay", WAIT, () -> down.delivered().size() == 20);
            assertEquals(calls, down.delivered());
            assertEquals(calls, up.delivered());
            Await.until("an empty spool", WAIT, () -> accounting.spoolDepth() == 0);
        }
    }

    @Test
    void eachFailedDeliveryIsReportedWithItsBackendAndSuccessIsNot() throws Exception {
        ScriptedBackend down = new ScriptedBackend("down");
        ScriptedBackend up = new ScriptedBackend("up");
        down.available(false);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        try (Accounting accounting = Accounting.start(List.of(down, up), spool, FAST, failures::add)) {
            accounting.submit(record("first"));
            Await.until("a retry failed too", WAIT, () -> failures.size() >= 2);
            assertTrue(failures.stream().allMatch("down"::equals), failures.toString());
            assertEquals(List.of("first"), up.delivered());

            down.available(true);
            Await.until("the replay", WAIT, () -> down.delivered().size() == 1);
            int afterRecovery = failures.size();
            accounting.submit(record("second"));
            Await.until("the second record", WAIT, () -> down.delivered().size() == 2);
            assertEquals(afterRecovery, failures.size());
        }
    }

    @Test
    void recordsArrivingDuringAnOutageQueueBehindTheSpooledOnes() throws Exception {
        ScriptedBackend backend = new ScriptedBackend("test");
        try (Accounting accounting = Accounting.start(List.of(backend), spool, FAST)) {
            accounting.submit(record("before"));
            Await.until("first", WAIT, () -> backend.delivered().size() == 1);
            backend.available(false);
            accounting.submit(record("during-1"));
            Await.until("a spooled record", WAIT, () -> accounting.spoolDepth() == 1);
            accounting.submit(record("during-2"));
            backend.available(true);
            accounting.submit(record("after"));
            Await.until("all", WAIT, () -> backend.delivered().size() == 4);
            assertEquals(List.of("before", "during-1", "during-2", "after"), backend.delivered());
        }
    }

    @Test
    void theSpoolSurvivesARestart() throws Exception {
        ScriptedBackend first = new ScriptedBackend("test");
        first.available(false);
        List<String> calls = callIds("kept-", 5);
        Accounting accounting = Accounting.start(List.of(first), spool, FAST);
        calls.forEach(call -> accounting.submit(record(call)));
        Await.until("spooled", WAIT, () -> accounting.spoolDepth() == 5);
        accounting.close();
        try (Stream<Path> files = Files.list(spool.resolve("test"))) {
            assertTrue(files.allMatch(file -> file.getFileName().toString().endsWith(".jsonl")));
        }
        assertEquals(5, accounting.spoolDepth());

        ScriptedBackend second = new ScriptedBackend("test");
        try (Accounting restarted = Accounting.start(List.of(second), spool, FAST)) {
            restarted.submit(record("new"));
            Await.until("replayed", WAIT, () -> second.delivered().size() == 6);
        }
        List<String> expected = new ArrayList<>(calls);
        expected.add("new");
        assertEquals(expected, second.delivered());
    }

    @Test
    void submitNeverWaitsForAHungBackendAndCloseIsBounded() throws Exception {
        ScriptedBackend hung = new ScriptedBackend("test");
        CountDownLatch never = new CountDownLatch(1);
        hung.hangUntil(never);
        DeliveryPolicy policy = new DeliveryPolicy(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofMillis(300));
        List<String> calls = callIds("hung-", 500);
        Accounting accounting = Accounting.start(List.of(hung), spool, policy);

        long start = System.nanoTime();
        calls.forEach(call -> accounting.submit(record(call)));
        long submitMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(submitMillis < 2_000, "500 submits took " + submitMillis + " ms");

        start = System.nanoTime();
        accounting.close();
        long closeMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(closeMillis < 3_000, "close took " + closeMillis + " ms");
        assertEquals(500, accounting.spoolDepth(), "the record in flight and the queued ones are on disk");
        never.countDown();

        ScriptedBackend healthy = new ScriptedBackend("test");
        Accounting restarted = Accounting.start(List.of(healthy), spool, FAST);
        Await.until("replay", WAIT, () -> healthy.delivered().size() >= 500);
        restarted.close();
        assertEquals(calls, healthy.delivered());
    }

    @Test
    void closeDeliversWhatItCanWithinTheDrainTime() throws Exception {
        ScriptedBackend slow = new ScriptedBackend("test");
        slow.delay(5);
        List<String> calls = callIds("slow-", 50);
        Accounting accounting = Accounting.start(List.of(slow), spool, FAST);
        calls.forEach(call -> accounting.submit(record(call)));
        accounting.close();
        assertEquals(calls, slow.delivered());
        assertEquals(0, accounting.spoolDepth());
    }

    @Test
    void aRecordRefusedForGoodIsSetAsideAndDoesNotHoldUpTheRest() throws Exception {
        ScriptedBackend backend = new ScriptedBackend("test");
        backend.refuse("bad");
        try (LogCapture log = LogCapture.of(BackendLane.class);
             Accounting accounting = Accounting.start(List.of(backend), spool, FAST)) {
            accounting.submit(record("bad"));
            accounting.submit(record("good"));
            Await.until("the good one", WAIT, () -> backend.delivered().contains("good"));
            Path rejected = spool.resolve("test/rejected");
            try (Stream<Path> files = Files.list(rejected)) {
                List<Path> kept = files.toList();
                assertEquals(1, kept.size());
                assertEquals(SessionRecord.of(record("bad")).json(), Files.readString(kept.get(0)));
            }
            assertTrue(log.text().contains("refused a record for good"));
        }
    }

    @Test
    void anUnreadableSpoolEntryIsSetAside() throws Exception {
        Files.createDirectories(spool.resolve("test"));
        Files.writeString(spool.resolve("test/00000000000000000001-2.jsonl"),
                "not json\n" + SessionRecord.of(record("ok")).json() + "\n");
        ScriptedBackend backend = new ScriptedBackend("test");
        try (Accounting accounting = Accounting.start(List.of(backend), spool, FAST)) {
            Await.until("the readable entry", WAIT, () -> backend.delivered().equals(List.of("ok")));
            Await.until("an empty spool", WAIT, () -> accounting.spoolDepth() == 0);
        }
        try (Stream<Path> files = Files.list(spool.resolve("test/rejected"))) {
            assertEquals(List.of("not json"), files.map(file -> {
                try {
                    return Files.readString(file);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList());
        }
    }
}
