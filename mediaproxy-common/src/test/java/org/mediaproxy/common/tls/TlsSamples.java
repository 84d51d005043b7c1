package org.mediaproxy.common.tls;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository's tls/ directory (sample credentials, NOT FOR PRODUCTION) from a module's tests. */
public final class TlsSamples {

    private TlsSamples() {
    }

    /** tls/ of the checkout the tests run in; surefire starts them in a module directory below it. */
    public static Path directory() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("tls");
            if (Files.isRegularFile(candidate.resolve("ca.pem")) && Files.isRegularFile(candidate.resolve("generate"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no tls/ with sample credentials above " + Path.of("").toAbsolutePath());
    }
}
