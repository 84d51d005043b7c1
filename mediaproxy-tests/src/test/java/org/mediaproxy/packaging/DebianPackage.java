package org.mediaproxy.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A .deb built by the {@code debian} module, read with {@code dpkg-deb}. */
record DebianPackage(String name, Path file) {

    /** Where the {@code debian} module writes the packages; tests run in {@code mediaproxy-tests}. */
    static final Path BUILD_DIR = Path.of("..", "debian", "target").toAbsolutePath().normalize();

    /** The one {@code <name>_<version>_all.deb} of the current build. */
    static DebianPackage built(String name) throws IOException {
        try (Stream<Path> files = Files.list(BUILD_DIR)) {
            List<Path> matches = files
                    .filter(file -> file.getFileName().toString().matches(name + "_[^_]+_all\\.deb"))
                    .toList();
            if (matches.size() != 1) {
                throw new IllegalStateException("expected one " + name + " package in " + BUILD_DIR + " (built by"
                        + " the debian module at the package phase), found " + matches);
            }
            return new DebianPackage(name, matches.get(0));
        }
    }

    String field(String field) throws IOException, InterruptedException {
        return dpkgDeb("--field", file.toString(), field).strip();
    }

    String version() throws IOException, InterruptedException {
        return field("Version");
    }

    /** Paths in the data archive, absolute, directories without the trailing slash. */
    List<String> paths() throws IOException, InterruptedException {
        return dpkgDeb("--contents", file.toString()).lines()
                .map(line -> line.split("\\s+", 6)[5])
                .map(path -> path.substring(1).replaceFirst("(.)/$", "$1"))
                .toList();
    }

    /** Lines of {@code dpkg-deb --contents} (mode, owner, size, date, path). */
    List<String> listing() throws IOException, InterruptedException {
        return dpkgDeb("--contents", file.toString()).lines().toList();
    }

    List<String> conffiles() throws IOException, InterruptedException {
        return dpkgDeb("--info", file.toString(), "conffiles").lines().map(String::strip).toList();
    }

    private static String dpkgDeb(String... arguments) throws IOException, InterruptedException {
        String[] command = new String[arguments.length + 1];
        command[0] = "dpkg-deb";
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(1, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", Arrays.asList(command)) + " failed:\n" + output);
        }
        return output;
    }
}
