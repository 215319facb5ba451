package org.ovshighway.guest.mapping;

/**
 * CPU time the calling thread has used: {@code runNanos} to the nanosecond
 * ({@code clock_gettime(CLOCK_THREAD_CPUTIME_ID)}), and its split as the kernel accounts it
 * ({@code getrusage(RUSAGE_THREAD)}, microseconds): {@code userNanos} running its own code,
 * {@code systemNanos} in the kernel on its behalf. The split is only as fresh as the thread's last
 * tick or switch and, on a kernel that samples by ticks, comes in whole ticks; over a short piece
 * of work use {@code runNanos}. The difference of two readings around a piece of work tells that
 * work's CPU apart from the time the thread waited for a CPU (wall clock minus {@code runNanos}).
 */
public record ThreadUsage(long userNanos, long systemNanos, long runNanos) {
    /** The calling thread's usage now; fails only where {@code RUSAGE_THREAD} or the thread CPU clock does not exist. */
    public static ThreadUsage current() throws NativeCallException {
        GetrusageCall.Split split = GetrusageCall.currentThread();
        return new ThreadUsage(split.userNanos(), split.systemNanos(), ClockGettimeCall.currentThreadCpuNanos());
    }

    /** What was used from {@code earlier} to this reading (both of the same thread). */
    public ThreadUsage since(ThreadUsage earlier) {
        return new ThreadUsage(userNanos - earlier.userNanos, systemNanos - earlier.systemNanos,
                runNanos - earlier.runNanos);
    }
}
