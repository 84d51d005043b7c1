package org.mediaproxy.relay.forwarding.kernel;

import static org.mediaproxy.relay.forwarding.kernel.LibNetfilterConntrack.*;

import java.util.Optional;

import jnr.ffi.Pointer;

/** Builds and reads {@code struct nf_conntrack} objects; shared by the table and the DESTROY watcher. */
final class ConntrackObjects {

    static final byte AF_INET = 2;
    static final byte IPPROTO_UDP = 17;

    /** What one conntrack entry says, translated to Java terms. */
    record Entry(NatEntry nat, FlowCounters counters, int mark) {
    }

    private final LibNetfilterConntrack lib;

    ConntrackObjects(LibNetfilterConntrack lib) {
        this.lib = lib;
    }

    /** A new object holding only an original tuple: enough to GET or DESTROY the entry it keys. */
    Pointer tuple(UdpTuple tuple) {
        Pointer ct = lib.nfct_new();
        if (ct == null) {
            throw new OutOfMemoryError("nfct_new");
        }
        lib.nfct_set_attr_u8(ct, ATTR_ORIG_L3PROTO, AF_INET);
        lib.nfct_set_attr_u8(ct, ATTR_ORIG_L4PROTO, IPPROTO_UDP);
        lib.nfct_set_attr_u32(ct, ATTR_ORIG_IPV4_SRC, NetworkOrder.address(tuple.source()));
        lib.nfct_set_attr_u32(ct, ATTR_ORIG_IPV4_DST, NetworkOrder.address(tuple.destination()));
        lib.nfct_set_attr_u16(ct, ATTR_ORIG_PORT_SRC, NetworkOrder.port(tuple.source()));
        lib.nfct_set_attr_u16(ct, ATTR_ORIG_PORT_DST, NetworkOrder.port(tuple.destination()));
        return ct;
    }

    /**
     * A complete NAT entry: the reply tuple starts as the inverse of the original one and the
     * kernel then applies DNAT to the callee remote and SNAT to the callee-side local address.
     * SEEN_REPLY|ASSURED makes its lifetime follow the established-UDP rules, as the original's.
     */
    Pointer natEntry(NatEntry entry, int mark, int timeoutSeconds) {
        Pointer ct = tuple(entry.callerTuple());
        lib.nfct_setobjopt(ct, NFCT_SOPT_SETUP_REPLY);
        lib.nfct_set_attr_u32(ct, ATTR_DNAT_IPV4, NetworkOrder.address(entry.calleeRemote()));
        lib.nfct_set_attr_u16(ct, ATTR_DNAT_PORT, NetworkOrder.port(entry.calleeRemote()));
        lib.nfct_set_attr_u32(ct, ATTR_SNAT_IPV4, NetworkOrder.address(entry.calleeLocal()));
        lib.nfct_set_attr_u16(ct, ATTR_SNAT_PORT, NetworkOrder.port(entry.calleeLocal()));
        lib.nfct_set_attr_u32(ct, ATTR_TIMEOUT, timeoutSeconds);
        lib.nfct_set_attr_u32(ct, ATTR_MARK, mark);
        lib.nfct_set_attr_u32(ct, ATTR_STATUS, IPS_SEEN_REPLY | IPS_ASSURED);
        return ct;
    }

    /** Reads an entry the kernel sent; empty for anything that is not IPv4/UDP in both directions. */
    Optional<Entry> read(Pointer ct) {
        if (lib.nfct_get_attr_u8(ct, ATTR_ORIG_L3PROTO) != AF_INET
                || lib.nfct_get_attr_u8(ct, ATTR_REPL_L3PROTO) != AF_INET
                || lib.nfct_get_attr_u8(ct, ATTR_ORIG_L4PROTO) != IPPROTO_UDP
                || lib.nfct_get_attr_u8(ct, ATTR_REPL_L4PROTO) != IPPROTO_UDP) {
            return Optional.empty();
        }
        NatEntry nat = new NatEntry(
                NetworkOrder.socketAddress(lib.nfct_get_attr_u32(ct, ATTR_ORIG_IPV4_SRC),
                        lib.nfct_get_attr_u16(ct, ATTR_ORIG_PORT_SRC)),
                NetworkOrder.socketAddress(lib.nfct_get_attr_u32(ct, ATTR_ORIG_IPV4_DST),
                        lib.nfct_get_attr_u16(ct, ATTR_ORIG_PORT_DST)),
                NetworkOrder.socketAddress(lib.nfct_get_attr_u32(ct, ATTR_REPL_IPV4_SRC),
                        lib.nfct_get_attr_u16(ct, ATTR_REPL_PORT_SRC)),
                NetworkOrder.socketAddress(lib.nfct_get_attr_u32(ct, ATTR_REPL_IPV4_DST),
                        lib.nfct_get_attr_u16(ct, ATTR_REPL_PORT_DST)));
        FlowCounters counters = new FlowCounters(
                lib.nfct_get_attr_u64(ct, ATTR_ORIG_COUNTER_PACKETS),
                lib.nfct_get_attr_u64(ct, ATTR_ORIG_COUNTER_BYTES),
                lib.nfct_get_attr_u64(ct, ATTR_REPL_COUNTER_PACKETS),
                lib.nfct_get_attr_u64(ct, ATTR_REPL_COUNTER_BYTES));
        return Optional.of(new Entry(nat, counters, lib.nfct_get_attr_u32(ct, ATTR_MARK)));
    }
}
