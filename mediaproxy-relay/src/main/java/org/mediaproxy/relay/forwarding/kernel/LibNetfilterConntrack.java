package org.mediaproxy.relay.forwarding.kernel;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.Delegate;
import jnr.ffi.types.u_int16_t;
import jnr.ffi.types.u_int32_t;
import jnr.ffi.types.u_int64_t;
import jnr.ffi.types.u_int8_t;

/**
 * JNR-FFI binding of the parts of libnetfilter_conntrack (Debian {@code libnetfilter-conntrack3})
 * the relay uses. Names and constants mirror {@code libnetfilter_conntrack.h} so the C
 * documentation applies unchanged. Addresses and ports are passed in network byte order.
 */
public interface LibNetfilterConntrack {

    /** {@code CONNTRACK} subsystem id (NFNL_SUBSYS_CTNETLINK). */
    byte CONNTRACK = 1;
    /** Event group for conntrack entries that die (NF_NETLINK_CONNTRACK_DESTROY). */
    int NF_NETLINK_CONNTRACK_DESTROY = 0x00000004;

    // enum nf_conntrack_attr
    int ATTR_ORIG_IPV4_SRC = 0;
    int ATTR_ORIG_IPV4_DST = 1;
    int ATTR_REPL_IPV4_SRC = 2;
    int ATTR_REPL_IPV4_DST = 3;
    int ATTR_ORIG_PORT_SRC = 8;
    int ATTR_ORIG_PORT_DST = 9;
    int ATTR_REPL_PORT_SRC = 10;
    int ATTR_REPL_PORT_DST = 11;
    int ATTR_ORIG_L3PROTO = 15;
    int ATTR_REPL_L3PROTO = 16;
    int ATTR_ORIG_L4PROTO = 17;
    int ATTR_REPL_L4PROTO = 18;
    int ATTR_SNAT_IPV4 = 20;
    int ATTR_DNAT_IPV4 = 21;
    int ATTR_SNAT_PORT = 22;
    int ATTR_DNAT_PORT = 23;
    int ATTR_TIMEOUT = 24;
    int ATTR_MARK = 25;
    int ATTR_ORIG_COUNTER_PACKETS = 26;
    int ATTR_REPL_COUNTER_PACKETS = 27;
    int ATTR_ORIG_COUNTER_BYTES = 28;
    int ATTR_REPL_COUNTER_BYTES = 29;
    int ATTR_STATUS = 32;

    // enum nf_conntrack_msg_type
    int NFCT_T_DESTROY = 1 << 2;
    int NFCT_T_ALL = 1 | 1 << 1 | 1 << 2;

    // nfct_setobjopt options
    int NFCT_SOPT_SETUP_REPLY = 5;

    // enum nf_conntrack_query
    int NFCT_Q_CREATE = 0;
    int NFCT_Q_DESTROY = 2;
    int NFCT_Q_GET = 3;
    int NFCT_Q_DUMP = 5;

    // callback verdicts
    int NFCT_CB_CONTINUE = 1;

    // enum nfct_filter_attr
    int NFCT_FILTER_MARK = 6;

    // enum ip_conntrack_status (linux/netfilter/nf_conntrack_common.h)
    int IPS_SEEN_REPLY = 1 << 1;
    int IPS_ASSURED = 1 << 2;

    /** Callback of {@link #nfct_callback_register}: {@code int cb(type, struct nf_conntrack *ct, void *data)}. */
    interface Callback {
        @Delegate
        int call(int type, Pointer ct, Pointer data);
    }

    Pointer nfct_open(@u_int8_t byte subsysId, @u_int32_t int subscriptions);

    int nfct_close(Pointer handle);

    int nfct_fd(Pointer handle);

    Pointer nfct_new();

    void nfct_destroy(Pointer ct);

    int nfct_setobjopt(Pointer ct, int option);

    void nfct_set_attr_u8(Pointer ct, int type, @u_int8_t byte value);

    void nfct_set_attr_u16(Pointer ct, int type, @u_int16_t short value);

    void nfct_set_attr_u32(Pointer ct, int type, @u_int32_t int value);

    @u_int8_t byte nfct_get_attr_u8(Pointer ct, int type);

    @u_int16_t short nfct_get_attr_u16(Pointer ct, int type);

    @u_int32_t int nfct_get_attr_u32(Pointer ct, int type);

    @u_int64_t long nfct_get_attr_u64(Pointer ct, int type);

    int nfct_query(Pointer handle, int query, Pointer data);

    int nfct_callback_register(Pointer handle, int type, Callback callback, Pointer data);

    void nfct_callback_unregister(Pointer handle);

    int nfct_catch(Pointer handle);

    Pointer nfct_filter_create();

    void nfct_filter_destroy(Pointer filter);

    void nfct_filter_add_attr(Pointer filter, int attr, Pointer value);

    int nfct_filter_attach(int fd, Pointer filter);

    /** Loads the shared library; throws {@link UnsatisfiedLinkError} when it is not installed. */
    static LibNetfilterConntrack load() {
        return LibraryLoader.create(LibNetfilterConntrack.class).failImmediately()
                .load("libnetfilter_conntrack.so.3");
    }
}
