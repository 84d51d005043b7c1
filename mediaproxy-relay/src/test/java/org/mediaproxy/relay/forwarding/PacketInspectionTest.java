package org.mediaproxy.relay.forwarding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** STUN recognition and codec names from RTP payload types. */
class PacketInspectionTest {

    @Test
    void stunNeedsTheMagicCookieZeroTopBitsAndAFullHeader() {
        assertTrue(Stun.isStun(20, 0x0001_0000_2112_A442L));
        assertTrue(Stun.isStun(100, 0x0101_0050_2112_A442L));
        assertFalse(Stun.isStun(19, 0x0001_0000_2112_A442L));
        assertFalse(Stun.isStun(20, 0x0001_0000_2112_A443L));
        // RTP (version bits 10) whose timestamp happens to equal the cookie.
        assertFalse(Stun.isStun(172, 0x8000_0001_2112_A442L));
    }

    @Test
    void codecNames() {
        // Behaviour 77.
        assertEquals("G711u", RtpPayloadType.name(0));
        assertEquals("G711a", RtpPayloadType.name(8));
        assertEquals("G729", RtpPayloadType.name(18));
        assertEquals("H263", RtpPayloadType.name(34));
        assertEquals("Unknown(13)", RtpPayloadType.name(13));
        assertEquals("Unknown(95)", RtpPayloadType.name(95));
        assertEquals("Dynamic(96)", RtpPayloadType.name(96));
        assertEquals("Dynamic(111)", RtpPayloadType.name(111));
    }

    @Test
    void codecOfADatagramUsesTheLowSevenBitsOfTheSecondByte() {
        assertEquals("G711a", RtpPayloadType.of(172, 0x8088_0000_0000_0000L));
        assertEquals("Unknown", RtpPayloadType.of(1, 0x8000_0000_0000_0000L));
        assertEquals("G711u", RtpPayloadType.of(2, 0x8000_0000_0000_0000L));
    }
}
