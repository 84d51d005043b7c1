/*
 * The benchmark's "stretch" reference: about the least work a userspace UDP relay can do per
 * packet. One thread, one epoll set, level-triggered; each ready socket is drained with recvmmsg
 * in batches and every batch leaves through the partner socket with one sendmmsg. No RTP parsing,
 * no counters, no timers: symmetric latching only (each socket's peer is the first source seen).
 *
 * Usage: udp-relay IP FIRST_PORT PAIRS
 * Pair i binds FIRST_PORT+2i (the caller sends there) and FIRST_PORT+2i+1 (the callee sends
 * there). Prints "ready" once every socket is bound; stops on SIGTERM/SIGINT.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH 32
#define MAX_DATAGRAM 2048
#define EVENTS 256

struct side {
    int fd;
    int latched;
    struct sockaddr_in peer;
    struct side *partner;
};

static volatile sig_atomic_t stopping;

static void stop(int signal) {
    (void) signal;
    stopping = 1;
}

static int bind_socket(const char *ip, int port) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        perror("socket");
        exit(1);
    }
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (inet_pton(AF_INET, ip, &address.sin_addr) != 1) {
        fprintf(stderr, "bad IPv4 address %s\n", ip);
        exit(2);
    }
    if (bind(fd, (struct sockaddr *) &address, sizeof address) < 0) {
        fprintf(stderr, "bind %s:%d: %s\n", ip, port, strerror(errno));
        exit(1);
    }
    return fd;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s IP FIRST_PORT PAIRS\n", argv[0]);
        return 2;
    }
    int first = atoi(argv[2]);
    int pairs = atoi(argv[3]);
    if (pairs < 1 || first < 1 || first + 2 * pairs > 65536) {
        fprintf(stderr, "bad port range\n");
        return 2;
    }
    struct sigaction action = {.sa_handler = stop};
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);

    int epoll = epoll_create1(0);
    struct side *sides = calloc(2 * pairs, sizeof *sides);
    for (int i = 0; i < 2 * pairs; i++) {
        sides[i].fd = bind_socket(argv[1], first + i);
        sides[i].partner = &sides[i ^ 1];
        struct epoll_event event = {.events = EPOLLIN, .data.ptr = &sides[i]};
        epoll_ctl(epoll, EPOLL_CTL_ADD, sides[i].fd, &event);
    }
    printf("ready\n");
    fflush(stdout);

    static char buffers[BATCH][MAX_DATAGRAM];
    struct iovec in_iov[BATCH], out_iov[BATCH];
    struct sockaddr_in sources[BATCH];
    struct mmsghdr in[BATCH], out[BATCH];
    memset(in, 0, sizeof in);
    memset(out, 0, sizeof out);
    for (int i = 0; i < BATCH; i++) {
        in_iov[i] = (struct iovec) {.iov_base = buffers[i], .iov_len = MAX_DATAGRAM};
        in[i].msg_hdr.msg_iov = &in_iov[i];
        in[i].msg_hdr.msg_iovlen = 1;
        in[i].msg_hdr.msg_name = &sources[i];
        out_iov[i].iov_base = buffers[i];
        out[i].msg_hdr.msg_iov = &out_iov[i];
        out[i].msg_hdr.msg_iovlen = 1;
        out[i].msg_hdr.msg_namelen = sizeof(struct sockaddr_in);
    }

    struct epoll_event events[EVENTS];
    while (!stopping) {
        int ready = epoll_wait(epoll, events, EVENTS, 200);
        for (int e = 0; e < ready; e++) {
            struct side *side = events[e].data.ptr;
            int received;
            do {
                for (int i = 0; i < BATCH; i++) {
                    in[i].msg_hdr.msg_namelen = sizeof(struct sockaddr_in);
                }
                received = recvmmsg(side->fd, in, BATCH, MSG_DONTWAIT, NULL);
                if (received <= 0) {
                    break;
                }
                if (!side->latched) {
                    side->peer = sources[0];
                    side->latched = 1;
                }
                struct side *partner = side->partner;
                if (!partner->latched) {
                    continue; /* nowhere to send yet: drop */
                }
                for (int i = 0; i < received; i++) {
                    out_iov[i].iov_len = in[i].msg_len;
                    out[i].msg_hdr.msg_name = &partner->peer;
                }
                sendmmsg(partner->fd, out, received, MSG_DONTWAIT);
            } while (received == BATCH);
        }
    }
    return 0;
}
