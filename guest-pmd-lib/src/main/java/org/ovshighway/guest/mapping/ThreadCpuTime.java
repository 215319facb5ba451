package org.ovshighway.guest.mapping;

/**
 * The calling thread's CPU time, user and system together, to the nanosecond
 * ({@code clock_gettime(CLOCK_THREAD_CPUTIME_ID)}). The difference of two readings around a piece
 * of work tells that work's CPU apart from the time the thread waited for a CPU (wall clock minus
 * it). Only {@code java.base} is needed, which is all the guests' runtime has.
 */
public final class ThreadCpuTime {

    private ThreadCpuTime() {
    }

    /** Nanoseconds of CPU the calling thread has used; fails only where the thread CPU clock does not exist. */
    public static long nanos() throws NativeCallException {
        return ClockGettimeCall.currentThreadCpuNanos();
    }
}
