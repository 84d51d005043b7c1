/*
 * Traffic source and sink for scripts/kernel-bench: cheap enough (sendmmsg/recvmmsg, no
 * per-packet work) that the path between them, not the tool, is what a run measures.
 *
 *   udp-flood send SRC_IP SRC_PORT SRC_STEP DST_IP DST_PORT DST_STEP STREAMS RATE SECONDS PAYLOAD
 *       Stream i sends from SRC_IP:SRC_PORT+i*SRC_STEP to DST_IP:DST_PORT+i*DST_STEP
 *       (SRC_STEP 0: all streams share one socket). RATE packets/s over all streams, 0 = as
 *       fast as possible. Prints "sent N".
 *   udp-flood sink IP PORT SECONDS
 *       Counts datagrams arriving at IP:PORT until SECONDS passed or 1 s without any after the
 *       first. Prints "received N".
 *
 * Build: cc -O2 -o udp-flood udp-flood.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define BATCH 32
#define MAX_PAYLOAD 1400

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static struct sockaddr_in address(const char *ip, int port) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) {
        fprintf(stderr, "bad address %s\n", ip);
        exit(2);
    }
    return a;
}

static int bound_socket(const char *ip, int port) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    int size = 8 << 20;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size);
    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
    struct sockaddr_in a = address(ip, port);
    if (bind(fd, (struct sockaddr *) &a, sizeof a) != 0) {
        fprintf(stderr, "bind %s:%d: %s\n", ip, port, strerror(errno));
        exit(1);
    }
    return fd;
}

static int flood(char **argv) {
    const char *src_ip = argv[0], *dst_ip = argv[3];
    int src_port = atoi(argv[1]), src_step = atoi(argv[2]);
    int dst_port = atoi(argv[4]), dst_step = atoi(argv[5]);
    int streams = atoi(argv[6]);
    double rate = atof(argv[7]), seconds = atof(argv[8]);
    int payload = atoi(argv[9]);
    if (streams < 1 || payload < 8 || payload > MAX_PAYLOAD) {
        fprintf(stderr, "bad arguments\n");
        return 2;
    }
    int *fds = calloc(streams, sizeof(int));
    struct sockaddr_in *targets = calloc(streams, sizeof(struct sockaddr_in));
    for (int i = 0; i < streams; i++) {
        fds[i] = src_step == 0 && i > 0 ? fds[0] : bound_socket(src_ip, src_port + i * src_step);
        targets[i] = address(dst_ip, dst_port + i * dst_step);
    }
    static char data[BATCH][MAX_PAYLOAD];
    struct mmsghdr messages[BATCH];
    struct iovec vectors[BATCH];
    unsigned long long sent = 0;
    double start = now(), end = start + seconds;
    int stream = 0;
    while (1) {
        double t = now();
        if (t >= end) {
            break;
        }
        int batch = BATCH;
        if (rate > 0) {
            double due = (t - start) * rate - sent;
            if (due < 1) {
                usleep(200);
                continue;
            }
            if (due < batch) {
                batch = (int) due;
            }
        }
        memset(messages, 0, sizeof messages);
        for (int i = 0; i < batch; i++) {
            memcpy(data[i], &sent, sizeof sent); /* a sequence number, for anyone who looks */
            sent++;
            vectors[i].iov_base = data[i];
            vectors[i].iov_len = payload;
            messages[i].msg_hdr.msg_iov = &vectors[i];
            messages[i].msg_hdr.msg_iovlen = 1;
            messages[i].msg_hdr.msg_name = &targets[stream];
            messages[i].msg_hdr.msg_namelen = sizeof targets[stream];
        }
        int done = sendmmsg(fds[stream], messages, batch, 0);
        if (done < batch) {
            /* a full send queue: count only what left */
            sent -= batch - (done < 0 ? 0 : done);
        }
        stream = (stream + 1) % streams;
    }
    printf("sent %llu\n", sent);
    return 0;
}

static int sink(char **argv) {
    int fd = bound_socket(argv[0], atoi(argv[1]));
    double seconds = atof(argv[2]);
    struct timeval timeout = {0, 100000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    static char data[BATCH][2048];
    struct mmsghdr messages[BATCH];
    struct iovec vectors[BATCH];
    for (int i = 0; i < BATCH; i++) {
        vectors[i].iov_base = data[i];
        vectors[i].iov_len = sizeof data[i];
    }
    unsigned long long received = 0;
    double start = now(), last = 0;
    printf("ready\n");
    fflush(stdout);
    while (now() - start < seconds && (last == 0 || now() - last < 1.0)) {
        memset(messages, 0, sizeof messages);
        for (int i = 0; i < BATCH; i++) {
            messages[i].msg_hdr.msg_iov = &vectors[i];
            messages[i].msg_hdr.msg_iovlen = 1;
        }
        int n = recvmmsg(fd, messages, BATCH, 0, NULL);
        if (n > 0) {
            received += n;
            last = now();
        }
    }
    printf("received %llu\n", received);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 12 && strcmp(argv[1], "send") == 0) {
        return flood(argv + 2);
    }
    if (argc == 5 && strcmp(argv[1], "sink") == 0) {
        return sink(argv + 2);
    }
    fprintf(stderr, "usage: udp-flood send SRC_IP SRC_PORT SRC_STEP DST_IP DST_PORT DST_STEP STREAMS RATE SECONDS PAYLOAD\n"
                    "       udp-flood sink IP PORT SECONDS\n");
    return 2;
}
