package org.mediaproxy.dispatcher.mi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mediaproxy.common.config.DialogIdFormat;
import org.mediaproxy.dispatcher.web.DispatcherMetrics;
import org.slf4j.LoggerFactory;

/** Timeouts, retries and answers without ids, with a short policy instead of OpenSIPS's 3 s. */
class DialogTerminatorRetryTest {

    private static final Pattern ID = Pattern.compile("\"id\": \"([0-9a-f]+)\"");

    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private volatile boolean socketMissing;

    @BeforeEach
    void capture() {
        log.start();
        ((Logger) LoggerFactory.getLogger(DialogTerminator.class)).addAppender(log);
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(DialogTerminator.class)).detachAppender(log);
        loop.shutdownNow();
    }

    private DialogTerminator terminator() {
        return new DialogTerminator(payload -> {
            if (socketMissing) {
                return CompletableFuture.failedFuture(new IOException("No such file or directory"));
            }
            sent.add(payload);
            return CompletableFuture.completedFuture(null);
        }, loop, DialogIdFormat.HEX, new DialogTerminator.Policy(Duration.ofMillis(100), 3, Duration.ofMillis(50)), new Random(),
                new DispatcherMetrics());
    }

    private List<String> messages() {
        synchronized (log.list) {
            return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    private static String id(String datagram) {
        Matcher matcher = ID.matcher(datagram);
        assertTrue(matcher.find(), datagram);
        return matcher.group(1);
    }

    private void waitFor(String text) throws InterruptedException {
        for (int i = 0; i < 200 && messages().stream().noneMatch(m -> m.contains(text)); i++) {
            Thread.sleep(10);
        }
        assertTrue(messages().stream().anyMatch(m -> m.contains(text)), messages().toString());
    }

    @Test
    void anUnansweredRequestIsRetriedWithFreshIdsThenGivenUp() throws Exception {
        DialogTerminator terminator = terminator();
        loop.execute(() -> terminator.endDialog("quiet@h", "2959232491322"));
        waitFor("gave up ending the dialog of call quiet@h after 3 attempts");
        assertEquals(3, sent.size());
        assertNotEquals(id(sent.get(0)), id(sent.get(1)));
        assertTrue(messages().get(1).contains("OpenSIPS MI did not answer within 100 ms"), messages().toString());
        assertEquals(0, loop.submit(terminator::pendingCount).get());
    }

    @Test
    void aLateAnswerToAnAbandonedAttemptIsIgnoredAndTheRetrySucceeds() throws Exception {
        DialogTerminator terminator = terminator();
        loop.execute(() -> terminator.endDialog("late@h", "2959232491322"));
        waitFor("retrying");
        String first = sent.get(0);
        loop.submit(() -> terminator.received("{\"jsonrpc\":\"2.0\",\"result\":\"OK\",\"id\":\"" + id(first) + "\"}")).get();
        waitFor("ignoring OpenSIPS MI answer for no pending request");
        while (sent.size() < 2) {
            Thread.sleep(10);
        }
        String second = sent.get(1);
        loop.submit(() -> terminator.received("{\"jsonrpc\":\"2.0\",\"result\":\"OK\",\"id\":\"" + id(second) + "\"}")).get();
        waitFor("OpenSIPS ended the dialog of call late@h");
    }

    @Test
    void aMissingOpenSipsSocketIsRetried() throws Exception {
        socketMissing = true;
        DialogTerminator terminator = terminator();
        loop.execute(() -> terminator.endDialog("down@h", "1"));
        waitFor("cannot send to OpenSIPS MI: No such file or directory");
        socketMissing = false;
        while (sent.isEmpty()) {
            Thread.sleep(10);
        }
        assertTrue(sent.get(0).endsWith("\"params\": [\"0.1\"]}"), sent.get(0));
    }

    @Test
    void anAnswerWithoutIdIsAttributedOnlyWhenOneRequestIsPending() throws Exception {
        DialogTerminator terminator = new DialogTerminator(payload -> {
            sent.add(payload);
            return CompletableFuture.completedFuture(null);
        }, loop, DialogIdFormat.CALLID, new DialogTerminator.Policy(Duration.ofSeconds(5), 1, Duration.ofMillis(50)), new Random(),
                new DispatcherMetrics());
        loop.submit(() -> terminator.endDialog("one@h", "1")).get();
        loop.submit(() -> terminator.received("200 OK\n")).get();
        waitFor("OpenSIPS ended the dialog of call one@h");
        loop.submit(() -> {
            terminator.endDialog("two@h", "2");
            terminator.endDialog("three@h", "3");
            terminator.received("404 Requested Dialog not found\n");
        }).get();
        waitFor("cannot attribute OpenSIPS MI answer '404 Requested Dialog not found' (2 requests pending)");
        assertEquals(2, loop.submit(terminator::pendingCount).get());
    }
}
