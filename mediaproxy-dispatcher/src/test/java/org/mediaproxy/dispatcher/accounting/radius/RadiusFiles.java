package org.mediaproxy.dispatcher.accounting.radius;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * A scratch directory for the RADIUS file fuzz tests: fuzzed text is written to a file there,
 * next to a small dictionary and a servers file that it may name.
 */
final class RadiusFiles {

    /**
     * Device and kernel files would block or never end (an include of /dev/stdin reads the test
     * JVM's own control channel); such names are configuration an operator would never write, so
     * inputs naming them are skipped rather than read.
     */
    private static final Pattern SPECIAL_FILES = Pattern.compile("/(dev|proc|sys|run)(/|\\s|$)|^(dev|proc|sys)/");

    private final Path directory;

    RadiusFiles() {
        try {
            directory = Files.createTempDirectory("radius-fuzz");
            Files.writeString(directory.resolve("dictionary.extra"), "ATTRIBUTE Sip-From-Tag 105 string\n");
            Files.writeString(directory.resolve("servers"), "127.0.0.1 s3cr3t\nlocalhost other\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean namesSpecialFiles(String text) {
        return text.lines().anyMatch(line -> SPECIAL_FILES.matcher(line.strip()).find());
    }

    Path write(String name, byte[] content) {
        try {
            return Files.write(directory.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
