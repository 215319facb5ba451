/*
 * wakeup_pingpong: the round trip of a 16-byte message over a Unix socket pair between two
 * processes (write; the peer blocks in read, wakes, writes back), the cost every relay hop on the
 * machine pays at least once: a context switch when both share a CPU, a wake-up across CPUs
 * otherwise. Used by testbed/benchmarks/wakeup.sh.
 *
 * usage: wakeup_pingpong ROUNDS PARENT_CPU CHILD_CPU   (a CPU of -1: not pinned)
 * prints: rtt_us=<median of 200 batches> getppid_ns=<one system call>
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BATCHES 200

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static void die(const char *what) {
    fprintf(stderr, "wakeup_pingpong: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void pin(int cpu) {
    if (cpu < 0) {
        return;
    }
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) {
        die("sched_setaffinity");
    }
}

static void exactly(ssize_t got, ssize_t want, const char *what) {
    if (got != want) {
        if (got < 0) {
            die(what);
        }
        fprintf(stderr, "wakeup_pingpong: %s: %zd bytes, expected %zd\n", what, got, want);
        exit(1);
    }
}

static int compare(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: wakeup_pingpong ROUNDS PARENT_CPU CHILD_CPU\n");
        return 2;
    }
    long rounds = strtol(argv[1], NULL, 10);
    int parentCpu = atoi(argv[2]), childCpu = atoi(argv[3]);
    if (rounds < BATCHES) {
        fprintf(stderr, "wakeup_pingpong: ROUNDS must be at least %d\n", BATCHES);
        return 2;
    }
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
        die("socketpair");
    }
    char buf[16] = {0};
    pid_t child = fork();
    if (child < 0) {
        die("fork");
    }
    if (child == 0) {
        pin(childCpu);
        for (long i = 0; i < rounds; i++) {
            exactly(read(sv[1], buf, sizeof buf), sizeof buf, "child read");
            exactly(write(sv[1], buf, sizeof buf), sizeof buf, "child write");
        }
        _exit(0);
    }
    pin(parentCpu);
    long perBatch = rounds / BATCHES;
    double batch[BATCHES];
    for (int b = 0; b < BATCHES; b++) {
        double start = now_ns();
        for (long i = 0; i < perBatch; i++) {
            exactly(write(sv[0], buf, sizeof buf), sizeof buf, "write");
            exactly(read(sv[0], buf, sizeof buf), sizeof buf, "read");
        }
        batch[b] = (now_ns() - start) / perBatch / 1000.0;
    }
    for (long i = (long) perBatch * BATCHES; i < rounds; i++) {
        exactly(write(sv[0], buf, sizeof buf), sizeof buf, "write");
        exactly(read(sv[0], buf, sizeof buf), sizeof buf, "read");
    }
    int status;
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "wakeup_pingpong: the echoing child failed\n");
        return 1;
    }
    qsort(batch, BATCHES, sizeof batch[0], compare);
    double start = now_ns();
    for (int i = 0; i < 100000; i++) {
        syscall(SYS_getppid);
    }
    double syscallNs = (now_ns() - start) / 100000;
    printf("rtt_us=%.2f getppid_ns=%.0f\n", batch[BATCHES / 2], syscallNs);
    return 0;
}
