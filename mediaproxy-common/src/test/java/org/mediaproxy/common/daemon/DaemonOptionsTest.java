package org.mediaproxy.common.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class DaemonOptionsTest {

    @Command(name = "some-daemon")
    static final class SomeDaemon {
        @Mixin
        DaemonOptions options = new DaemonOptions();
    }

    private static DaemonOptions parse(String... args) {
        SomeDaemon command = new SomeDaemon();
        new CommandLine(command).parseArgs(args);
        return command.options;
    }

    @Test
    void defaultsAreTheOriginals() {
        DaemonOptions options = parse();
        assertEquals(List.of(Path.of("/etc/mediaproxy")), options.configDirectories());
        assertEquals(Path.of("/run/mediaproxy"), options.runtimeDirectory());
        assertEquals(RunMode.BACKGROUND, options.mode());
        assertFalse(options.debug());
    }

    @Test
    void configDirIsSearchedBeforeTheSystemDirectory() {
        assertEquals(List.of(Path.of("conf").toAbsolutePath(), Path.of("/etc/mediaproxy")),
                parse("--config-dir", "conf").configDirectories());
        assertEquals(List.of(Path.of("/etc/mediaproxy")), parse("--config-dir", "/etc/mediaproxy/").configDirectories());
        assertEquals(List.of(Path.of("/etc/mediaproxy")), parse("--config-dir", "/etc/../etc/mediaproxy").configDirectories());
    }

    @Test
    void modeFollowsTheOriginalsPrecedence() {
        assertEquals(RunMode.FOREGROUND, parse("--no-fork").mode());
        assertEquals(RunMode.SYSTEMD, parse("--systemd").mode());
        assertEquals(RunMode.SYSTEMD, parse("--no-fork", "--systemd").mode());
    }

    @Test
    void debugOptionsAreAccepted() {
        DaemonOptions options = parse("--debug", "--debug-memory", "--runtime-dir", "/tmp/x");
        assertTrue(options.debug());
        assertEquals(Path.of("/tmp/x"), options.runtimeDirectory());
    }

    @Test
    void helpListsTheOptionsButNotTheInternalOne() {
        String usage = new CommandLine(new SomeDaemon()).getUsageMessage();
        for (String option : List.of("--config-dir=PATH", "--runtime-dir=PATH", "--no-fork", "--systemd",
                "--debug", "--debug-memory", "--version", "--help")) {
            assertTrue(usage.contains(option), () -> option + " missing from\n" + usage);
        }
        assertTrue(usage.replaceAll("\\s+", " ").contains("has no effect in Java"), usage);
        assertFalse(usage.contains(Detacher.CHILD_OPTION), usage);
    }
}
