package org.mediaproxy.relay.link;

import io.netty.util.NetUtil;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The set of dispatchers the relay is linked to (dispatcher-relay-protocol.md §9, relay-media.md
 * §14). Every {@code dns_check_interval} the configured {@code dispatchers} are resolved: an IP
 * literal stands for itself; a name is looked up as {@code _sip._udp.<name>} SRV and the first
 * answer's target is used with the configured port (never the SRV port); without an SRV answer the
 * name itself is used as a host. New dispatchers get a link; a dispatcher that left the set keeps
 * its link until none of its sessions is left on this relay, and gets it back if it returns.
 *
 * <p>Lookups run on the DNS thread, changes to the set on the control thread.
 */
public final class DispatcherDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(DispatcherDirectory.class);

    private final List<DispatcherAddress> configured;
    private final Duration checkInterval;
    private final LinkEnvironment env;

    /** Every link, current or retiring, by id: expired records are routed through it from any thread. */
    private final Map<String, DispatcherLink> links = new ConcurrentHashMap<>();

    // Confined to the control thread.
    private final Map<DispatcherAddress, DispatcherLink> current = new HashMap<>();
    private final Map<DispatcherAddress, DispatcherLink> retiring = new HashMap<>();
    private boolean stopped;

    private ScheduledFuture<?> refresh;

    public DispatcherDirectory(List<DispatcherAddress> configured, Duration checkInterval, LinkEnvironment env) {
        this.configured = List.copyOf(configured);
        this.checkInterval = checkInterval;
        this.env = env;
    }

    /** Resolves the dispatchers now and then every {@code dns_check_interval}. */
    public synchronized void start() {
        refresh = env.dns().scheduleWithFixedDelay(this::refresh, 0, checkInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Sends an {@code expired} record to the dispatcher the session came from; logs a warning
     * when that dispatcher is not connected (its statistics are lost, as in the original).
     */
    public void deliverExpired(String dispatcher, String recordJson) {
        DispatcherLink link = links.get(dispatcher);
        if (link == null || !link.send(new ExpiredNotice(recordJson))) {
            LOG.warn("Dispatcher {} is not connected: the statistics of an expired session are lost", dispatcher);
        }
        if (link != null) {
            env.control().execute(this::releaseIdleRetired);
        }
    }

    /** Ids of every link, current or retiring. */
    public Set<String> linkIds() {
        return Set.copyOf(links.keySet());
    }

    /**
     * Stops looking up dispatchers and closes every link, each after its queued messages are
     * written. Call on the control thread.
     *
     * @return completes when all links are closed
     */
    public CompletableFuture<Void> disconnectAll() {
        synchronized (this) {
            if (refresh != null) {
                refresh.cancel(false);
            }
        }
        stopped = true;
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (DispatcherLink link : links.values()) {
            closing.add(link.disconnect());
        }
        current.clear();
        retiring.clear();
        links.clear();
        return CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new));
    }

    private void refresh() {
        try {
            Set<DispatcherAddress> resolved = resolve();
            env.control().execute(() -> apply(resolved));
        } catch (RuntimeException e) {
            // An exception would cancel the periodic lookup for good.
            LOG.error("Looking up dispatchers failed", e);
        }
    }

    private Set<DispatcherAddress> resolve() {
        if (configured.isEmpty()) {
            LOG.error("No dispatchers configured ([Relay] dispatchers is empty)");
        }
        Set<DispatcherAddress> resolved = new LinkedHashSet<>();
        for (DispatcherAddress entry : configured) {
            if (NetUtil.isValidIpV4Address(entry.host()) || NetUtil.isValidIpV6Address(entry.host())) {
                resolved.add(entry);
                continue;
            }
            List<String> targets = env.resolver().srvTargets("_sip._udp." + entry.host());
            if (!targets.isEmpty()) {
                resolved.add(new DispatcherAddress(targets.get(0), entry.port()));
                continue;
            }
            try {
                resolved.add(new DispatcherAddress(env.resolver().address(entry.host()).getHostAddress(), entry.port()));
            } catch (UnknownHostException e) {
                LOG.error("Could resolve neither SRV nor A record for '{}'", entry.host());
            }
        }
        return resolved;
    }

    private void apply(Set<DispatcherAddress> resolved) {
        if (stopped) {
            return;
        }
        for (DispatcherAddress address : resolved) {
            if (current.containsKey(address)) {
                continue;
            }
            DispatcherLink link = retiring.remove(address);
            if (link != null) {
                LOG.info("Restoring dispatcher at {}", address);
            } else {
                LOG.info("Adding dispatcher at {}", address);
                link = new DispatcherLink(address, env, this::releaseIdleRetired);
                links.put(link.id(), link);
                link.start();
            }
            current.put(address, link);
        }
        for (Iterator<Map.Entry<DispatcherAddress, DispatcherLink>> it = current.entrySet().iterator(); it.hasNext();) {
            Map.Entry<DispatcherAddress, DispatcherLink> entry = it.next();
            if (!resolved.contains(entry.getKey())) {
                LOG.info("Removing dispatcher at {} (once its sessions have ended)", entry.getKey());
                retiring.put(entry.getKey(), entry.getValue());
                it.remove();
            }
        }
        releaseIdleRetired();
    }

    private void releaseIdleRetired() {
        for (Iterator<DispatcherLink> it = retiring.values().iterator(); it.hasNext();) {
            DispatcherLink link = it.next();
            if (env.control().commands().sessionCount(link.id()) == 0) {
                LOG.info("Disconnecting from removed dispatcher at {}: it has no sessions left", link.address());
                it.remove();
                links.remove(link.id());
                link.disconnect();
            }
        }
    }
}
