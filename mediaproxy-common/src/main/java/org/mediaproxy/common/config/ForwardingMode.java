package org.mediaproxy.common.config;

/**
 * How the relay forwards media ({@code [Relay] forwarding}, our option): {@code kernel} through
 * conntrack NAT entries, {@code userspace} through its own sockets, {@code auto} = kernel when the
 * host supports it, else user space.
 */
public enum ForwardingMode {
    AUTO, KERNEL, USERSPACE
}
