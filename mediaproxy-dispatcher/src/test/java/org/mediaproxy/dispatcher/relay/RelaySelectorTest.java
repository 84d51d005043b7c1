package org.mediaproxy.dispatcher.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RelaySelectorTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final RelaySelector selector = new RelaySelector(new Random(42));

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private RelayLink relay(String ip, int sessions, int streams) {
        RelayLink link = new RelayLink(ip, new RelayLink.Transport() {
            @Override
            public void write(String text) {
            }

            @Override
            public void close() {
            }
        }, scheduler, Duration.ofSeconds(5), Duration.ofSeconds(60), new RelayEvents() {
            @Override
            public void connected(RelayLink l) {
            }

            @Override
            public void expired(RelayLink l, String record) {
            }

            @Override
            public void disconnected(RelayLink l) {
            }
        });
        link.reportedLoad(new RelayLoad(sessions, streams));
        return link;
    }

    private static List<String> ips(RelaySelector.Choice choice) {
        return choice.order().stream().map(RelayLink::ip).toList();
    }

    @Test
    void leastLoadedFirstThenStreamsBreakTies() {
        List<RelayLink> relays = List.of(relay("198.18.0.1", 5, 5), relay("198.18.0.2", 1, 9), relay("198.18.0.3", 1, 2));
        assertEquals(List.of("198.18.0.3", "198.18.0.2", "198.18.0.1"), ips(selector.choose(relays, null)));
    }

    @Test
    void equallyLoadedRelaysComeInRandomOrder() {
        List<RelayLink> relays = List.of(relay("198.18.0.1", 2, 2), relay("198.18.0.2", 2, 2), relay("198.18.0.3", 7, 7));
        Set<String> firsts = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            List<String> order = ips(selector.choose(relays, null));
            firsts.add(order.get(0));
            assertEquals("198.18.0.3", order.get(2));
        }
        assertEquals(Set.of("198.18.0.1", "198.18.0.2"), firsts);
    }

    @Test
    void aForcedRelayGoesFirstEvenWhenBusier() {
        List<RelayLink> relays = List.of(relay("198.18.0.1", 0, 0), relay("198.18.0.2", 100, 100));
        RelaySelector.Choice choice = selector.choose(relays, "198.18.0.2");
        assertEquals(List.of("198.18.0.2", "198.18.0.1"), ips(choice));
        assertFalse(choice.preferredIgnored());
    }

    @Test
    void anUnknownOrUnusableForcedRelayIsReportedAndIgnored() {
        RelayLink unresponsive = relay("198.18.0.2", 0, 0);
        unresponsive.markUnresponsive();
        List<RelayLink> relays = List.of(relay("198.18.0.1", 3, 0), unresponsive);
        RelaySelector.Choice unknown = selector.choose(relays, "192.0.2.99");
        assertTrue(unknown.preferredIgnored());
        assertEquals(List.of("198.18.0.1"), ips(selector.choose(relays, "198.18.0.2")));
        assertTrue(selector.choose(relays, "198.18.0.2").preferredIgnored());
    }

    @Test
    void localCountsShiftTheChoiceBetweenReports() {
        RelayLink a = relay("198.18.0.1", 0, 0);
        RelayLink b = relay("198.18.0.2", 0, 0);
        int onA = 0;
        for (int i = 0; i < 10; i++) {
            RelayLink chosen = selector.choose(List.of(a, b), null).order().get(0);
            chosen.sessionsChanged(1);
            onA += chosen == a ? 1 : 0;
        }
        assertEquals(5, onA, "alternating as the counts grow");
        assertEquals(5, a.load().sessions());
    }
}
