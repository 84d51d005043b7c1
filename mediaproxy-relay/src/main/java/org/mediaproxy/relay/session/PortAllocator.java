package org.mediaproxy.relay.session;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's pool of UDP port pairs (even RTP port, odd RTCP port) from {@code port_range}.
 * Pairs are handed out from the head of a queue and returned to its tail, so a released pair is
 * reused as late as possible (stray packets of an old call don't reach a new one). A pair whose
 * sockets cannot be bound is parked on a "bad" list and the next one is tried; parked pairs
 * return to the queue once they outnumber the free ones. Not thread-safe: the session manager
 * serialises access.
 */
final class PortAllocator {

    private static final Logger LOG = LoggerFactory.getLogger(PortAllocator.class);

    /** Binds the sockets of one pair, given its even port; throws if either cannot be bound. */
    interface PairBinder {
        void bind(int rtpPort) throws IOException;
    }

    private final ArrayDeque<Integer> free = new ArrayDeque<>();
    private final ArrayDeque<Integer> bad = new ArrayDeque<>();
    private final int maxPairsInUse;
    private int inUse;

    /**
     * @param start         first even port
     * @param end           exclusive end (pairs start, start+2, ..., end-2)
     * @param maxPairsInUse at most this many pairs out at once (the open-files limit may allow fewer than the range)
     */
    PortAllocator(int start, int end, int maxPairsInUse) {
        for (int port = start; port < end; port += 2) {
            free.add(port);
        }
        this.maxPairsInUse = maxPairsInUse;
    }

    /** Takes the least recently used pair that {@code binder} can bind and returns its even port. */
    int allocate(PairBinder binder) throws PortsExhaustedException {
        if (inUse >= maxPairsInUse) {
            throw new PortsExhaustedException("the open-files limit allows only " + maxPairsInUse / 2
                    + " streams and all of them are in use");
        }
        int attempts = free.size() + bad.size();
        for (int attempt = 0; attempt < attempts; attempt++) {
            if (bad.size() > free.size()) {
                free.addAll(bad);
                bad.clear();
            }
            Integer port = free.poll();
            if (port == null) {
                break;
            }
            try {
                binder.bind(port);
                inUse++;
                return port;
            } catch (IOException e) {
                LOG.warn("Cannot use port pair {}/{}: {}", port, port + 1, e.getMessage());
                bad.add(port);
            }
        }
        throw new PortsExhaustedException("all allocated ports are being used");
    }

    /** Returns a pair to the tail of the queue. */
    void release(int rtpPort) {
        inUse--;
        free.add(rtpPort);
    }

    /** The free pairs in the order they will be handed out. */
    List<Integer> freeOrder() {
        return List.copyOf(free);
    }

    /**
     * Puts the free queue back into an order taken earlier with {@link #freeOrder()}; pairs
     * allocated since then and still in use are left out.
     */
    void restoreOrder(List<Integer> order) {
        java.util.Set<Integer> nowFree = new java.util.HashSet<>(free);
        free.clear();
        for (Integer port : order) {
            if (nowFree.remove(port)) {
                free.add(port);
            }
        }
        free.addAll(nowFree.stream().sorted().toList());
    }

    int pairsInUse() {
        return inUse;
    }
}
