package org.mediaproxy.relay.forwarding.kernel;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import org.mediaproxy.relay.forwarding.SubstreamKind;

/**
 * One attempt to forward a substream in the kernel, from the moment both parties are latched
 * until its entry is withdrawn or expires. Its state moves forward only; the stream's thread,
 * the install thread and the expiry thread race on it through compare-and-set.
 */
final class Offload {

    enum State {
        /** Queued for installation; the sockets relay. */
        PENDING,
        /** The install thread is talking to the kernel. */
        INSTALLING,
        /** The entry forwards the substream. */
        INSTALLED,
        /** The kernel refused the entry: the substream stays in userspace until its peers change. */
        FAILED,
        /** Taken back by the stream (reset, forgotten peers, closed). */
        WITHDRAWN,
        /** The kernel expired the entry. */
        EXPIRED
    }

    private final SubstreamKind kind;
    private final NatEntry entry;
    private final KernelStream stream;
    private final AtomicReference<State> state = new AtomicReference<>(State.PENDING);
    /** Completes when the install thread is done with it, whatever the outcome. */
    private final CompletableFuture<Void> settled = new CompletableFuture<>();

    Offload(SubstreamKind kind, NatEntry entry, KernelStream stream) {
        this.kind = kind;
        this.entry = entry;
        this.stream = stream;
    }

    SubstreamKind kind() {
        return kind;
    }

    NatEntry entry() {
        return entry;
    }

    KernelStream stream() {
        return stream;
    }

    boolean isInstalled() {
        return state.get() == State.INSTALLED;
    }

    /** The install thread takes it on; false if it was withdrawn while queued. */
    boolean starting() {
        if (state.compareAndSet(State.PENDING, State.INSTALLING)) {
            return true;
        }
        settled.complete(null);
        return false;
    }

    void installed() {
        state.compareAndSet(State.INSTALLING, State.INSTALLED);
        settled.complete(null);
    }

    void failed() {
        state.compareAndSet(State.INSTALLING, State.FAILED);
        state.compareAndSet(State.PENDING, State.FAILED);
        settled.complete(null);
    }

    /**
     * Takes the substream back (on the stream's thread). Waits for an install in progress, then
     * deletes the entry.
     *
     * @return the entry's exact final counters, or empty if it had none to give (never
     *         installed, or expired: then the expiry brings its counters)
     */
    Optional<FlowCounters> withdraw(KernelForwarding kernel) {
        if (state.compareAndSet(State.PENDING, State.WITHDRAWN)) {
            return Optional.empty();
        }
        settled.join();
        if (!state.compareAndSet(State.INSTALLED, State.WITHDRAWN)) {
            return Optional.empty();
        }
        return kernel.remove(entry);
    }

    /** The kernel expired the entry; false if the stream had withdrawn it meanwhile. */
    boolean expire() {
        return state.compareAndSet(State.INSTALLED, State.EXPIRED);
    }
}
