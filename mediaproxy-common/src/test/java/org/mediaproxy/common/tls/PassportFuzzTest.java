package org.mediaproxy.common.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import javax.security.auth.x500.X500Principal;

/**
 * A {@code passport} option of any text is either refused with {@link IllegalArgumentException}
 * (which the configuration reports as a bad value) or accepted; an accepted passport can be
 * checked against certificate subjects without failing, and reads the same when written back.
 */
class PassportFuzzTest {

    private static final X500Principal[] SUBJECTS = {
        new X500Principal("CN=relay1.example.com, O=AG Projects, C=NL"),
        new X500Principal("EMAILADDRESS=ops@example.com, CN=x, OU=a\\, b, L=Amsterdam, ST=NH"),
        new X500Principal("CN=\"quoted, name\", O=\\+plus"),
    };

    @FuzzTest(maxDuration = "7s")
    void parseAndMatch(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        Passport passport;
        try {
            passport = Passport.parse(text);
        } catch (IllegalArgumentException refused) {
            assertNotNull(refused.getMessage());
            return;
        }
        boolean[] verdicts = new boolean[SUBJECTS.length];
        for (int i = 0; i < SUBJECTS.length; i++) {
            verdicts[i] = passport.matches(SUBJECTS[i]);
        }
        Passport again = Passport.parse(passport.toString());
        for (int i = 0; i < SUBJECTS.length; i++) {
            assertEquals(verdicts[i], again.matches(SUBJECTS[i]), passport + " read back differently");
        }
    }
}
