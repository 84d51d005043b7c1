package org.mediaproxy.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReplyBudgetTest {

    private static final long MS = 1_000_000L;

    @Test
    void answersWithinFourFifthsOfTheModulesTimeout() {
        assertEquals(400 * MS, new ReplyBudget(Duration.ofMillis(500)).answerWithinNanos());
        assertEquals(1600 * MS, new ReplyBudget(Duration.ofSeconds(2)).answerWithinNanos());
        assertThrows(IllegalArgumentException.class, () -> new ReplyBudget(Duration.ZERO));
    }

    @Test
    void aRelayGetsHalfOfWhatIsLeftWhileOthersRemainButNeverMoreThanRelayTimeout() {
        ReplyBudget budget = new ReplyBudget(Duration.ofMillis(500));
        Duration relayTimeout = Duration.ofSeconds(5);
        assertEquals(200 * MS, budget.attemptNanos(400 * MS, 3, relayTimeout));
        assertEquals(200 * MS, budget.attemptNanos(400 * MS, 2, relayTimeout));
        assertEquals(400 * MS, budget.attemptNanos(400 * MS, 1, relayTimeout), "the last relay gets all of it");
        assertEquals(100 * MS, budget.attemptNanos(400 * MS, 1, Duration.ofMillis(100)));
    }
}
