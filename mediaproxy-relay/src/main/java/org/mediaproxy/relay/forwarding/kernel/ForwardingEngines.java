package org.mediaproxy.relay.forwarding.kernel;

import org.mediaproxy.common.config.ForwardingMode;
import org.mediaproxy.relay.forwarding.ForwardingEngine;
import org.mediaproxy.relay.forwarding.userspace.UserspaceEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The relay's choice of forwarding engine at start-up, from {@code [Relay] forwarding}. */
public final class ForwardingEngines {

    private static final Logger LOG = LoggerFactory.getLogger(ForwardingEngines.class);

    private ForwardingEngines() {
    }

    /**
     * {@code kernel}: the kernel engine or the reason it cannot work here; {@code userspace}: the
     * userspace engine; {@code auto}: the kernel engine when it works, else the userspace engine
     * after one warning that says why. Call it in the network namespace the relay serves.
     *
     * @param threads event-loop threads for the userspace part
     * @throws KernelUnavailableException only for {@code kernel}, worded for the operator
     */
    public static ForwardingEngine choose(ForwardingMode mode, KernelOptions options, int threads)
            throws KernelUnavailableException {
        return switch (mode) {
            case USERSPACE -> new UserspaceEngine(threads);
            case KERNEL -> KernelForwardingEngine.start(options, threads);
            case AUTO -> {
                try {
                    yield KernelForwardingEngine.start(options, threads);
                } catch (KernelUnavailableException e) {
                    LOG.warn("kernel forwarding is not available, media will be relayed in userspace: {}", e.getMessage());
                    yield new UserspaceEngine(threads);
                }
            }
        };
    }
}
