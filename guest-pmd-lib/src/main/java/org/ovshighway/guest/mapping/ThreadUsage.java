package org.ovshighway.guest.mapping;

/**
 * CPU time the calling thread has used, as the kernel accounts it ({@code getrusage(RUSAGE_THREAD)},
 * microsecond resolution): {@code userNanos} running its own code, {@code systemNanos} in the
 * kernel on its behalf. The difference of two readings around a piece of work tells that work's
 * CPU apart from the time the thread waited for a CPU (wall clock minus both).
 */
public record ThreadUsage(long userNanos, long systemNanos) {
    /** The calling thread's usage now; fails only where {@code RUSAGE_THREAD} does not exist. */
    public static ThreadUsage current() throws NativeCallException {
        return GetrusageCall.currentThread();
    }

    /** What was used from {@code earlier} to this reading (both of the same thread). */
    public ThreadUsage since(ThreadUsage earlier) {
        return new ThreadUsage(userNanos - earlier.userNanos, systemNanos - earlier.systemNanos);
    }
}
