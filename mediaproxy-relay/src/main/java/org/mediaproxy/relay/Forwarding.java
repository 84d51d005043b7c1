package org.mediaproxy.relay;

import org.mediaproxy.common.config.ForwardingMode;
import org.mediaproxy.relay.forwarding.ForwardingEngine;
import org.mediaproxy.relay.forwarding.userspace.UserspaceEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the forwarding engine from {@code [Relay] forwarding}. This is the one place that
 * knows the engines: the kernel (conntrack) engine plugs in here, {@code auto} then picking it
 * when the host supports it.
 */
final class Forwarding {

    private static final Logger LOG = LoggerFactory.getLogger(Forwarding.class);

    private Forwarding() {
    }

    static ForwardingEngine engine(ForwardingMode mode) {
        switch (mode) {
            case KERNEL:
                throw new IllegalStateException("[Relay] forwarding = kernel is not available: this build has no"
                        + " kernel forwarding engine yet; use forwarding = auto or userspace");
            case AUTO:
                LOG.info("Forwarding media in user space: this build has no kernel forwarding engine yet");
                break;
            default:
                break;
        }
        return new UserspaceEngine(Runtime.getRuntime().availableProcessors());
    }
}
