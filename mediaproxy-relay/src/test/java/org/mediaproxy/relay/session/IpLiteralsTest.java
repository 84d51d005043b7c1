package org.mediaproxy.relay.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class IpLiteralsTest {

    @Test
    void literalsOfBothFamilies() {
        assertEquals("198.18.0.5", IpLiterals.parse("198.18.0.5").getHostAddress());
        assertEquals("0:0:0:0:0:0:0:1", IpLiterals.parse("::1").getHostAddress());
        assertEquals("fe80:0:0:0:0:0:0:1", IpLiterals.parse("FE80::1").getHostAddress());
        assertEquals("198.18.0.5", IpLiterals.parse("::ffff:198.18.0.5").getHostAddress());
    }

    /**
     * Found while fuzzing signaling_ip: these passed the character check, the JDK did not take
     * them as literals and looked them up as host names (a DNS query from the relay's control
     * thread for every such command).
     */
    @Test
    void textTheJdkWouldLookUpIsNoLiteral() {
        assertNull(IpLiterals.parse(".:"));
        assertNull(IpLiterals.parse(".::1"));
        assertNull(IpLiterals.parse("\uff11::"));
        assertNull(IpLiterals.parse("1::\u0661"));
    }
}
