package org.mediaproxy.common.tls;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

class PassportTest {

    private static final X500Principal RELAY =
            new X500Principal("CN=MediaProxy relay, OU=MediaProxy, O=AG Projects, L=Amsterdam, ST=NH, C=NL");

    @Test
    void noneAcceptsAnySubjectInAnyCase() {
        assertTrue(Passport.parse("None").matches(RELAY));
        assertTrue(Passport.parse("NONE").isNone());
        assertTrue(Passport.parse("").isNone());
    }

    @Test
    void exactValueIsCaseSensitive() {
        assertTrue(Passport.parse("O:AG Projects").matches(RELAY));
        assertFalse(Passport.parse("O:ag projects").matches(RELAY));
    }

    @Test
    void leadingStarMeansEndsWith() {
        assertTrue(Passport.parse("CN:*relay").matches(RELAY));
        assertFalse(Passport.parse("CN:*dispatcher").matches(RELAY));
    }

    @Test
    void trailingStarMeansStartsWith() {
        assertTrue(Passport.parse("CN:MediaProxy*").matches(RELAY));
        assertFalse(Passport.parse("CN:relay*").matches(RELAY));
    }

    @Test
    void leadingStarWinsWhenBothEndsHaveOne() {
        // "*relay*" is "ends with 'relay*'", which no real subject does.
        assertFalse(Passport.parse("CN:*relay*").matches(RELAY));
        assertTrue(Passport.parse("CN:*").matches(RELAY));
    }

    @Test
    void everyAttributeMustMatch() {
        assertTrue(Passport.parse("O:AG Projects, CN:*relay, C:NL, L:Amsterdam, ST:NH, OU:MediaProxy").matches(RELAY));
        assertFalse(Passport.parse("O:AG Projects, CN:*dispatcher").matches(RELAY));
    }

    @Test
    void escapedCommaIsLiteral() {
        X500Principal foo = new X500Principal("CN=x, O=Foo\\, Inc.");
        assertTrue(Passport.parse("O:Foo\\, Inc.").matches(foo));
        assertFalse(Passport.parse("O:Foo").matches(foo));
    }

    @Test
    void missingAttributeFails() {
        assertFalse(Passport.parse("EMAIL:*@example.com").matches(RELAY));
    }

    @Test
    void emailAttributeIsMatched() {
        X500Principal withMail = new X500Principal("EMAILADDRESS=ops@example.com, CN=x");
        assertTrue(Passport.parse("EMAIL:*@example.com").matches(withMail));
    }

    @Test
    void malformedPassportsAreRejectedWithTheirText() {
        IllegalArgumentException noColon = assertThrows(IllegalArgumentException.class, () -> Passport.parse("CN relay"));
        assertTrue(noColon.getMessage().contains("CN relay"));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Passport.parse("XX:1"));
        assertTrue(unknown.getMessage().contains("XX"));
    }
}
