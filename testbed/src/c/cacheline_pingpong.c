/*
 * cacheline_pingpong: the round trip of one cache line between two CPUs. A thread on each CPU
 * spins; the first stores a counter in its line, the second sees it and stores it back in a line
 * of its own, and so on. Every frame on a link ring crosses between the sender's and the
 * receiver's CPU the same way (descriptor, buffer, the head and tail words), so the link's rate
 * follows this figure. On a VM it is the host's placement of the two vCPUs that sets it (sharing
 * a last-level cache or not), and the host may change that placement while a run goes on.
 * Used by testbed/benchmarks/bypass.sh, direct-link.sh and wakeup.sh.
 *
 * usage: cacheline_pingpong CPU_A CPU_B MILLIS
 * prints: cacheline_rtt_ns=<median over batches of 1000 round trips> batches=<n>
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TRIPS_PER_BATCH 1000
#define MAX_BATCHES 100000

/* each word on a cache line of its own: only the two stores cross between the CPUs */
static _Alignas(128) atomic_long ping;
static _Alignas(128) atomic_long pong;
static _Alignas(128) atomic_int stop;
static double batch_ns[MAX_BATCHES];

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static void die(const char *what, int err) {
    fprintf(stderr, "cacheline_pingpong: %s: %s\n", what, strerror(err));
    exit(1);
}

static void pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    int rc = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    if (rc != 0) {
        die("pthread_setaffinity_np", rc);
    }
}

static int parse(const char *text, const char *name, long min, long max) {
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max) {
        fprintf(stderr, "cacheline_pingpong: %s=%s must be an integer %ld..%ld\n", name, text, min, max);
        exit(2);
    }
    return (int) v;
}

static int cpu_b;

static void *echo(void *unused) {
    (void) unused;
    pin(cpu_b);
    long seen = 0;
    while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
        /* pairs with the release store of ping in main */
        long v = atomic_load_explicit(&ping, memory_order_acquire);
        if (v != seen) {
            seen = v;
            /* pairs with the acquire load of pong in main */
            atomic_store_explicit(&pong, v, memory_order_release);
        }
    }
    return NULL;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: cacheline_pingpong CPU_A CPU_B MILLIS\n");
        return 2;
    }
    int cpu_a = parse(argv[1], "CPU_A", 0, CPU_SETSIZE - 1);
    cpu_b = parse(argv[2], "CPU_B", 0, CPU_SETSIZE - 1);
    int millis = parse(argv[3], "MILLIS", 1, 600000);
    pthread_t thread;
    int rc = pthread_create(&thread, NULL, echo, NULL);
    if (rc != 0) {
        die("pthread_create", rc);
    }
    pin(cpu_a);
    double end = now_ns() + millis * 1e6;
    long value = 0;
    int batches = 0;
    while (batches < MAX_BATCHES && now_ns() < end) {
        double t0 = now_ns();
        for (int k = 0; k < TRIPS_PER_BATCH; k++) {
            value++;
            /* pairs with the acquire load of ping in echo */
            atomic_store_explicit(&ping, value, memory_order_release);
            /* pairs with the release store of pong in echo */
            while (atomic_load_explicit(&pong, memory_order_acquire) != value) {
            }
        }
        batch_ns[batches++] = (now_ns() - t0) / TRIPS_PER_BATCH;
    }
    atomic_store_explicit(&stop, 1, memory_order_relaxed);
    pthread_join(thread, NULL);
    qsort(batch_ns, batches, sizeof batch_ns[0], compare);
    printf("cacheline_rtt_ns=%.0f batches=%d\n", batch_ns[batches / 2], batches);
    return 0;
}
