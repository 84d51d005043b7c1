package org.mediaproxy.dispatcher.accounting;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code scripts/test-services} (installs, starts and provisions MariaDB, PostgreSQL and
 * FreeRADIUS; needs root, which the build has) so that a plain {@code mvn verify} tests against
 * real servers. Each service is brought up once per JVM; tests that stop a server bring it back.
 */
public final class RealServers {

    /** The directory the script keeps FreeRADIUS's configuration and detail log in. */
    public static final Path STATE = Path.of(System.getProperty("java.io.tmpdir"), "mediaproxy-test-services");

    private static final Set<String> UP = new HashSet<>();

    private RealServers() {
    }

    /** Makes sure the named services run (mariadb, postgresql, freeradius). */
    public static synchronized void ensure(String... services) {
        List<String> missing = new ArrayList<>();
        for (String service : services) {
            if (!UP.contains(service)) {
                missing.add(service);
            }
        }
        if (!missing.isEmpty()) {
            run("up", missing);
            UP.addAll(missing);
        }
    }

    public static synchronized void stop(String service) {
        run("down", List.of(service));
        UP.remove(service);
    }

    public static synchronized void start(String service) {
        run("up", List.of(service));
        UP.add(service);
    }

    /** The repository checkout this build runs in (tests run in the module directory). */
    public static Path repository() {
        Path directory = Path.of("").toAbsolutePath();
        while (directory != null && !Files.isRegularFile(directory.resolve("scripts/test-services"))) {
            directory = directory.getParent();
        }
        if (directory == null) {
            throw new IllegalStateException("scripts/test-services not found above " + Path.of("").toAbsolutePath());
        }
        return directory;
    }

    private static void run(String action, List<String> services) {
        List<String> command = new ArrayList<>();
        command.add(repository().resolve("scripts/test-services").toString());
        command.add(action);
        command.addAll(services);
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("MEDIAPROXY_TEST_STATE", STATE.toString());
            Process process = builder.start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException(command + " failed:\n" + new String(output, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }
}
