package org.mediaproxy.dispatcher.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    @Test
    void writesHelpTypeAndSamplesWithEscapedText() {
        PrometheusText out = new PrometheusText()
                .family("mediaproxy_relay_info", PrometheusText.Type.GAUGE, "Back\\slash and\nnew line, \"quotes\" kept.")
                .sample("mediaproxy_relay_info", 1, "relay", "198.18.0.1", "version", "a\"b\\c\nd");
        assertEquals("""
                # HELP mediaproxy_relay_info Back\\\\slash and\\nnew line, "quotes" kept.
                # TYPE mediaproxy_relay_info gauge
                mediaproxy_relay_info{relay="198.18.0.1",version="a\\"b\\\\c\\nd"} 1
                """, out.text());
        Exposition parsed = Exposition.parse(out.text());
        assertEquals("Back\\slash and\nnew line, \"quotes\" kept.", parsed.family("mediaproxy_relay_info").help());
        assertEquals(1, parsed.value("mediaproxy_relay_info", "relay", "198.18.0.1", "version", "a\"b\\c\nd"));
    }

    @Test
    void numbersAsTheFormatSpellsThem() {
        assertEquals("0", PrometheusText.number(0));
        assertEquals("0", PrometheusText.number(-0.0));
        assertEquals("42", PrometheusText.number(42));
        assertEquals("-3", PrometheusText.number(-3));
        assertEquals("0.005", PrometheusText.number(0.005));
        assertEquals("2.5", PrometheusText.number(2.5));
        assertEquals("215466.66666666666", PrometheusText.number(215466.66666666666));
        assertEquals("+Inf", PrometheusText.number(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", PrometheusText.number(Double.NEGATIVE_INFINITY));
        assertEquals("NaN", PrometheusText.number(Double.NaN));
        assertEquals(1e-7, Exposition.number(PrometheusText.number(1e-7), ""));
        assertEquals(1e20, Exposition.number(PrometheusText.number(1e20), ""));
    }

    @Test
    void refusesWhatWouldMakeAnInvalidExposition() {
        PrometheusText out = new PrometheusText().family("a_total", PrometheusText.Type.COUNTER, "A.");
        assertThrows(IllegalArgumentException.class, () -> out.family("a_total", PrometheusText.Type.COUNTER, "Again."));
        assertThrows(IllegalArgumentException.class, () -> out.family("bad-name", PrometheusText.Type.GAUGE, "."));
        assertThrows(IllegalArgumentException.class, () -> out.sample("b_total", 1));
        assertThrows(IllegalArgumentException.class, () -> out.sample("a_total", 1, "odd"));
        assertThrows(IllegalArgumentException.class, () -> out.sample("a_total", 1, "__reserved", "x"));
        assertThrows(IllegalArgumentException.class, () -> out.sample("a_total", 1, "bad label", "x"));
        PrometheusText histogram = new PrometheusText().family("h_seconds", PrometheusText.Type.HISTOGRAM, "H.");
        histogram.sample("h_seconds_count", 0);
        assertThrows(IllegalArgumentException.class, () -> histogram.sample("h_seconds", 0));
    }
}
