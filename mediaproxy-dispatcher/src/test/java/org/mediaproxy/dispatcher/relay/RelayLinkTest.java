package org.mediaproxy.dispatcher.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Sequence numbers, answers, timeouts, keep-alive and disconnection of one relay link. */
class RelayLinkTest {

    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private final List<String> written = new CopyOnWriteArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private final RelayEvents listener = new RelayEvents() {
        @Override
        public void connected(RelayLink link) {
            events.add("connected");
        }

        @Override
        public void expired(RelayLink link, String record) {
            events.add("expired " + record);
        }

        @Override
        public void disconnected(RelayLink link) {
            events.add("disconnected");
        }
    };

    private RelayLink link(Duration relayTimeout, Duration recover) {
        return new RelayLink("198.18.0.1", new RelayLink.Transport() {
            @Override
            public void write(String text) {
                written.add(text);
            }

            @Override
            public void close() {
                closed = true;
            }
        }, loop, relayTimeout, recover, listener);
    }

    @AfterEach
    void stop() {
        loop.shutdownNow();
    }

    private <T> T on(Callable<T> task) throws Exception {
        return loop.submit(task).get();
    }

    private static RelayFailure.Kind failure(CompletableFuture<String> answer) throws InterruptedException {
        try {
            answer.get(2, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + answer.join());
        } catch (ExecutionException e) {
            return ((RelayFailure) e.getCause()).kind();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no outcome", e);
        }
    }

    @Test
    void numbersCommandsFromZeroAndMatchesAnswers() throws Exception {
        RelayLink link = link(Duration.ofSeconds(5), Duration.ofSeconds(60));
        CompletableFuture<String> sessions = on(() -> link.send(RelayCommand.sessions()));
        CompletableFuture<String> update = on(() -> link.send(new RelayCommand("update", List.of("call_id: x"))));
        assertEquals(List.of("sessions 0\r\n\r\n", "update 1\r\ncall_id: x\r\n\r\n"), written);
        on(() -> {
            link.received(RelayMessage.parse("1 203.0.113.5 40002"));
            link.received(RelayMessage.parse("0 []"));
            return null;
        });
        assertEquals("203.0.113.5 40002", update.get());
        assertEquals("[]", sessions.get());
    }

    @Test
    void errorAndHaltingAnswersFailTheCommand() throws Exception {
        RelayLink link = link(Duration.ofSeconds(5), Duration.ofSeconds(60));
        CompletableFuture<String> first = on(() -> link.send(RelayCommand.summary()));
        CompletableFuture<String> second = on(() -> link.send(RelayCommand.summary()));
        CompletableFuture<String> third = on(() -> link.send(RelayCommand.summary()));
        on(() -> {
            link.received(RelayMessage.parse("0 error"));
            link.received(RelayMessage.parse("2"));
            link.received(RelayMessage.parse("1 halting"));
            return null;
        });
        assertEquals(RelayFailure.Kind.ERROR, failure(first));
        assertEquals(RelayFailure.Kind.HALTING, failure(second));
        assertEquals(RelayFailure.Kind.ERROR, failure(third), "an empty answer is no answer");
        assertTrue(link.isHalting());
        assertFalse(link.acceptsNewSessions());
    }

    @Test
    void unexpectedAnswersAndGarbageAreIgnored() throws Exception {
        RelayLink link = link(Duration.ofSeconds(5), Duration.ofSeconds(60));
        CompletableFuture<String> pending = on(() -> link.send(RelayCommand.summary()));
        on(() -> {
            link.received(RelayMessage.parse("7 something"));
            link.received(RelayMessage.parse("no sequence number"));
            return null;
        });
        assertFalse(pending.isDone());
        assertTrue(link.acceptsNewSessions());
    }

    @Test
    void aTimedOutRelayIsExcludedAndDisconnectedUnlessItPings() throws Exception {
        RelayLink link = link(Duration.ofMillis(100), Duration.ofMillis(300));
        CompletableFuture<String> answer = on(() -> link.send(RelayCommand.summary()));
        assertEquals(RelayFailure.Kind.TIMEOUT, failure(answer));
        assertTrue(on(link::isTimedOut));
        assertFalse(on(link::acceptsNewSessions));
        Thread.sleep(500);
        assertTrue(closed, "no ping within relay_recover_interval: connection closed");
    }

    @Test
    void aPingAnswersPongAndRescuesATimedOutRelay() throws Exception {
        RelayLink link = link(Duration.ofMillis(100), Duration.ofMillis(400));
        CompletableFuture<String> answer = on(() -> link.send(RelayCommand.summary()));
        assertEquals(RelayFailure.Kind.TIMEOUT, failure(answer));
        on(() -> {
            link.received(RelayMessage.parse("ping"));
            return null;
        });
        assertEquals("pong\r\n", written.get(written.size() - 1));
        assertFalse(on(link::isTimedOut));
        assertTrue(on(link::acceptsNewSessions));
        Thread.sleep(600);
        assertFalse(closed, "the forced disconnect was cancelled");
        on(() -> {
            link.received(RelayMessage.parse("0 late answer"));
            return null;
        });
    }

    @Test
    void anUnresponsiveRelayIsExcludedUntilItAnswersAgain() throws Exception {
        RelayLink link = link(Duration.ofSeconds(5), Duration.ofSeconds(60));
        CompletableFuture<String> answer = on(() -> link.send(RelayCommand.summary()));
        on(() -> {
            link.markUnresponsive();
            return null;
        });
        assertFalse(on(link::acceptsNewSessions));
        on(() -> {
            link.received(RelayMessage.parse("0 {}"));
            return null;
        });
        assertEquals("{}", answer.get());
        assertTrue(on(link::acceptsNewSessions));
    }

    @Test
    void disconnectionFailsPendingCommandsAndIsReportedOnce() throws Exception {
        RelayLink link = link(Duration.ofSeconds(5), Duration.ofSeconds(60));
        List<CompletableFuture<String>> answers = new ArrayList<>();
        answers.add(on(() -> link.send(RelayCommand.summary())));
        answers.add(on(() -> link.send(RelayCommand.sessions())));
        on(() -> {
            link.disconnected();
            link.disconnected();
            return null;
        });
        for (CompletableFuture<String> answer : answers) {
            assertEquals(RelayFailure.Kind.DISCONNECTED, failure(answer));
        }
        assertEquals(List.of("disconnected"), events);
        assertEquals(RelayFailure.Kind.DISCONNECTED, failure(on(() -> link.send(RelayCommand.summary()))));
        assertFalse(link.acceptsNewSessions());
    }

    @Test
    void expiredNoticesGoToTheDispatcher() throws Exception {
        RelayLink link = link(Duration.ofSeconds(5), Duration.ofSeconds(60));
        on(() -> {
            link.received(RelayMessage.parse("expired {\"call_id\": \"x1@h\"}"));
            return null;
        });
        assertEquals(List.of("expired {\"call_id\": \"x1@h\"}"), events);
    }
}
