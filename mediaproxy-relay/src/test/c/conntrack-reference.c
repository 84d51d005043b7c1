/*
 * Reference for scripts/entry-bench: the original relay's netlink pattern per stream, written
 * in C against libnetfilter_conntrack (Debian libnetfilter-conntrack3; no -dev package needed):
 * delete stale entries of both arriving tuples, create the NAT entry, read its counters, delete
 * it. Same tuples as EntryBench, so both run under the same machine load.
 *
 * Usage (inside the relay namespace): conntrack-reference ENTRIES ROUNDS
 * Build: cc -O2 -o conntrack-reference conntrack-reference.c -l:libnetfilter_conntrack.so.3
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* The few declarations of libnetfilter_conntrack.h used here (ABI of libnetfilter-conntrack3). */
struct nfct_handle;
struct nf_conntrack;
extern struct nfct_handle *nfct_open(uint8_t subsys_id, unsigned subscriptions);
extern int nfct_close(struct nfct_handle *h);
extern struct nf_conntrack *nfct_new(void);
extern void nfct_destroy(struct nf_conntrack *ct);
extern void nfct_set_attr_u8(struct nf_conntrack *ct, int type, uint8_t value);
extern void nfct_set_attr_u16(struct nf_conntrack *ct, int type, uint16_t value);
extern void nfct_set_attr_u32(struct nf_conntrack *ct, int type, uint32_t value);
extern int nfct_setobjopt(struct nf_conntrack *ct, unsigned int option);
extern int nfct_query(struct nfct_handle *h, int query, const void *data);
extern int nfct_callback_register(struct nfct_handle *h, int type,
                                  int (*cb)(int type, struct nf_conntrack *ct, void *data), void *data);

enum { CONNTRACK = 1 };
enum { ATTR_ORIG_IPV4_SRC = 0, ATTR_ORIG_IPV4_DST = 1, ATTR_ORIG_PORT_SRC = 8, ATTR_ORIG_PORT_DST = 9,
       ATTR_ORIG_L3PROTO = 15, ATTR_ORIG_L4PROTO = 17, ATTR_SNAT_IPV4 = 20, ATTR_DNAT_IPV4 = 21,
       ATTR_SNAT_PORT = 22, ATTR_DNAT_PORT = 23, ATTR_TIMEOUT = 24, ATTR_MARK = 25, ATTR_STATUS = 32 };
enum { NFCT_Q_CREATE = 0, NFCT_Q_DESTROY = 2, NFCT_Q_GET = 3 };
enum { NFCT_SOPT_SETUP_REPLY = 5, NFCT_T_ALL = 7, NFCT_CB_CONTINUE = 1 };
enum { IPS_SEEN_REPLY = 2, IPS_ASSURED = 4 };

static int on_answer(int type, struct nf_conntrack *ct, void *data) {
    (void) type; (void) ct; (void) data;
    return NFCT_CB_CONTINUE;
}

static struct nf_conntrack *tuple(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport) {
    struct nf_conntrack *ct = nfct_new();
    nfct_set_attr_u8(ct, ATTR_ORIG_L3PROTO, 2);
    nfct_set_attr_u8(ct, ATTR_ORIG_L4PROTO, 17);
    nfct_set_attr_u32(ct, ATTR_ORIG_IPV4_SRC, src);
    nfct_set_attr_u32(ct, ATTR_ORIG_IPV4_DST, dst);
    nfct_set_attr_u16(ct, ATTR_ORIG_PORT_SRC, htons(sport));
    nfct_set_attr_u16(ct, ATTR_ORIG_PORT_DST, htons(dport));
    return ct;
}

static void query(struct nfct_handle *h, int q, struct nf_conntrack *ct) {
    nfct_query(h, q, ct);
    nfct_destroy(ct);
}

int main(int argc, char **argv) {
    int entries = argc > 1 ? atoi(argv[1]) : 2000;
    int rounds = argc > 2 ? atoi(argv[2]) : 3;
    uint32_t caller = inet_addr("198.18.1.2"), callee = inet_addr("198.18.2.2"), relay = inet_addr("198.18.0.1");
    struct nfct_handle *h = nfct_open(CONNTRACK, 0);
    if (h == NULL) {
        perror("nfct_open");
        return 1;
    }
    nfct_callback_register(h, NFCT_T_ALL, on_answer, NULL);
    for (int round = 0; round < rounds; round++) {
        struct timespec start, end;
        clock_gettime(CLOCK_MONOTONIC, &start);
        for (int i = 0; i < entries; i++) {
            uint16_t port = 20000 + 4 * (i % 10000), remote = 2000 + i;
            query(h, NFCT_Q_DESTROY, tuple(caller, remote, relay, port));
            query(h, NFCT_Q_DESTROY, tuple(callee, remote, relay, port + 2));
            struct nf_conntrack *ct = tuple(caller, remote, relay, port);
            nfct_setobjopt(ct, NFCT_SOPT_SETUP_REPLY);
            nfct_set_attr_u32(ct, ATTR_DNAT_IPV4, callee);
            nfct_set_attr_u16(ct, ATTR_DNAT_PORT, htons(remote));
            nfct_set_attr_u32(ct, ATTR_SNAT_IPV4, relay);
            nfct_set_attr_u16(ct, ATTR_SNAT_PORT, htons(port + 2));
            nfct_set_attr_u32(ct, ATTR_TIMEOUT, 60);
            nfct_set_attr_u32(ct, ATTR_MARK, 0x6d71);
            nfct_set_attr_u32(ct, ATTR_STATUS, IPS_SEEN_REPLY | IPS_ASSURED);
            if (nfct_query(h, NFCT_Q_CREATE, ct) != 0) {
                perror("create");
                return 1;
            }
            nfct_destroy(ct);
            query(h, NFCT_Q_GET, tuple(caller, remote, relay, port));
            query(h, NFCT_Q_DESTROY, tuple(caller, remote, relay, port));
        }
        clock_gettime(CLOCK_MONOTONIC, &end);
        double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
        printf("%-90s round %d: %9.0f entries/s (%.1f us each)\n",
               "C reference: conntrack only via libnetfilter_conntrack (same pattern)", round,
               entries / seconds, seconds * 1e6 / entries);
    }
    nfct_close(h);
    return 0;
}
