package org.mediaproxy.relay.forwarding.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mediaproxy.relay.forwarding.kernel.KernelForwardingEngineTest.CALLEE;
import static org.mediaproxy.relay.forwarding.kernel.KernelForwardingEngineTest.CALLER;
import static org.mediaproxy.relay.forwarding.kernel.KernelForwardingEngineTest.CALLEE_SIDE;
import static org.mediaproxy.relay.forwarding.kernel.KernelForwardingEngineTest.CALLER_SIDE;
import static org.mediaproxy.relay.forwarding.kernel.KernelForwardingEngineTest.eventually;
import static org.mediaproxy.relay.forwarding.kernel.KernelForwardingEngineTest.payload;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mediaproxy.common.config.ForwardingMode;
import org.mediaproxy.relay.forwarding.ForwardingEngine;
import org.mediaproxy.relay.forwarding.SubstreamKind;
import org.mediaproxy.relay.forwarding.userspace.UserspaceEngine;
import org.mediaproxy.relay.testing.Datagrams;
import org.mediaproxy.relay.testing.KernelRelayProcess;
import org.mediaproxy.relay.testing.NetnsFixture;
import org.slf4j.LoggerFactory;

/** Start-up of the kernel engine: the choice between engines, and a restart after a crash. */
class KernelEngineLifecycleTest {

    @RegisterExtension
    final NetnsFixture net = new NetnsFixture();

    private final KernelOptions options = KernelOptions.defaults().withSelfTest(false);

    @Test
    void aRestartedEngineDeletesWhatAKilledRelayLeftAndForwardsAgain() throws Exception {
        List<String> command = new ArrayList<>(KernelRelayProcess.command());
        command.add("1");
        Process crashed = new ProcessBuilder(net.relay().command(command.toArray(String[]::new)))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (DatagramChannel caller = net.caller().udp(CALLER);
             DatagramChannel callee = net.callee().udp(CALLEE)) {
            String line = new BufferedReader(new InputStreamReader(crashed.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            assertEquals("ready", line);
            Datagrams.send(caller, payload(0), CALLER_SIDE);
            Datagrams.send(callee, payload(0), CALLEE_SIDE);
            eventually(() -> ownEntries() == 1);

            crashed.destroyForcibly().waitFor();
            assertEquals(1, ownEntries(), "a SIGKILL leaves the entry");
            assertTrue(net.relay().exec("nft", "list", "tables").contains("mediaproxy"), "and the table");

            try (ForwardingEngine restarted = net.relay().call(() -> ForwardingEngines.choose(ForwardingMode.KERNEL,
                    options, 1))) {
                assertEquals(0, ownEntries(), "leftovers deleted at start");
                var stream = new KernelForwardingEngineTest().streamOn(net, restarted);
                Datagrams.send(caller, payload(1), CALLER_SIDE);
                Datagrams.send(callee, payload(1), CALLEE_SIDE);
                eventually(() -> stream.isOffloaded(SubstreamKind.RTP));
                Datagrams.receive(caller, Duration.ofSeconds(2));
                Datagrams.send(caller, payload(2), CALLER_SIDE);
                assertEquals(CALLEE_SIDE, Datagrams.receive(callee, Duration.ofSeconds(2)).orElseThrow().source());
                assertEquals(1, ownEntries());
            }
            assertEquals(0, ownEntries());
        } finally {
            crashed.destroyForcibly();
        }
    }

    @Test
    void autoFallsBackToUserspaceWithOneWarningSayingWhyAndKernelRefusesToStart() throws Exception {
        // Forwarding switched off and not to be changed: the kernel path cannot work.
        net.relay().sysctl("net.ipv4.ip_forward", "0");
        KernelOptions fixed = options.withAdjustSysctls(false);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(ForwardingEngines.class);
        logger.addAppender(log);
        log.start();
        try (ForwardingEngine engine = net.relay().call(() -> ForwardingEngines.choose(ForwardingMode.AUTO, fixed, 1))) {
            assertInstanceOf(UserspaceEngine.class, engine);
            List<ILoggingEvent> warnings = log.list.stream().filter(event -> event.getLevel() == Level.WARN).toList();
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).getFormattedMessage().contains("net.ipv4.ip_forward is not 1"),
                    warnings.get(0).getFormattedMessage());
        } finally {
            logger.detachAppender(log);
        }
        KernelUnavailableException refused = assertThrows(KernelUnavailableException.class,
                () -> callIn(() -> ForwardingEngines.choose(ForwardingMode.KERNEL, fixed, 1)));
        assertTrue(refused.getMessage().contains("net.ipv4.ip_forward is not 1"), refused.getMessage());
        assertFalse(net.relay().exec("nft", "list", "tables").contains("mediaproxy"), "nothing left behind");

        net.relay().sysctl("net.ipv4.ip_forward", "1");
        try (ForwardingEngine engine = net.relay().call(() -> ForwardingEngines.choose(ForwardingMode.AUTO,
                KernelOptions.defaults(), 1))) {
            assertInstanceOf(KernelForwardingEngine.class, engine, "with the self-test passing");
            assertTrue(engine.name().startsWith("kernel"), engine.name());
        }
    }

    /** Runs in the relay namespace, keeping the checked exception. */
    private ForwardingEngine callIn(Choice choice) throws KernelUnavailableException {
        Object result = net.relay().call(() -> {
            try {
                return choice.choose();
            } catch (KernelUnavailableException e) {
                return e;
            }
        });
        if (result instanceof KernelUnavailableException e) {
            throw e;
        }
        ((ForwardingEngine) result).close();
        return (ForwardingEngine) result;
    }

    @FunctionalInterface
    private interface Choice {
        ForwardingEngine choose() throws KernelUnavailableException;
    }

    private long ownEntries() {
        return net.relay().exec("conntrack", "-L", "-m", Integer.toString(options.mark())).lines()
                .filter(line -> line.startsWith("udp")).count();
    }
}
