package org.mediaproxy.dispatcher.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SessionRecordTest {

    @Test
    void readsTheOriginalsRecordAndKeepsItsTextExactly() {
        String text = Fixtures.originalInfoTexts().get(1);
        SessionRecord record = SessionRecord.parse(text);

        assertEquals(text, record.json());
        assertEquals("JM3UiKRGAIFsMgD1EEkq@198.18.1.2", record.callId());
        assertEquals("3EZAzXAfoP", record.fromTag());
        assertEquals("8OII5cdGte", record.toTag());
        assertNull(record.username());
        assertEquals(1795618603.8661327, record.startTime());
        assertEquals(11, record.duration());
        assertEquals("probe-caller/1.0", record.callerUa());
        assertEquals("probe-callee/1.0", record.calleeUa());
        assertTrue(record.timedOut());
        assertFalse(record.allStreamsIce());
        SessionRecord.Stream stream = record.streams().get(0);
        assertEquals(new SessionRecord.Stream("audio", "G711u", 0, 11, 0.011090755462646484, 7800, 7800,
                "198.18.0.1:40004"), stream);
    }

    @Test
    void writesARecordMadeHereTheWayTheOriginalDid() {
        List<String> texts = Fixtures.originalInfoTexts();
        assertEquals(texts.get(0), SessionRecord.of(Fixtures.record(0)).json());
        assertEquals(texts.get(1), SessionRecord.of(Fixtures.record(1)).json());
    }

    @Test
    void aRecordWithoutCallIdOrFromTagIsRefused() {
        var noCallId = Fixtures.record(0);
        noCallId.remove("call_id");
        assertThrows(IllegalArgumentException.class, () -> SessionRecord.of(noCallId));
        var numericTag = Fixtures.record(0);
        numericTag.put("from_tag", 7);
        assertThrows(IllegalArgumentException.class, () -> SessionRecord.of(numericTag));
        assertThrows(IllegalArgumentException.class, () -> SessionRecord.parse("[1, 2]"));
        assertThrows(IllegalArgumentException.class, () -> SessionRecord.parse("{\"call_id\": "));
    }

    @Test
    void missingOptionalKeysFallBackToWhatAnEmptySessionHas() {
        SessionRecord record = SessionRecord.parse("{\"call_id\": \"c\", \"from_tag\": \"f\", \"to_tag\": null}");
        assertNull(record.toTag());
        assertNull(record.startTime());
        assertEquals(0, record.duration());
        assertEquals("Unknown", record.callerUa());
        assertEquals(List.of(), record.streams());
        assertFalse(record.timedOut());
    }
}
