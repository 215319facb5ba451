package org.ovshighway.guest.mapping;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * {@code int clock_gettime(clockid_t clockid, struct timespec *tp);} with {@code clockid =
 * CLOCK_THREAD_CPUTIME_ID} (3): the calling thread's CPU time to the nanosecond, brought up to date
 * by the kernel at the call ({@code getrusage} reads the same runtime only as of the thread's last
 * tick or switch, so over a few milliseconds of a running thread it can show nothing at all).
 * {@code struct timespec} is two i64 (seconds, nanoseconds) on Linux x86-64 and aarch64.
 *
 * <p>Each thread reuses one scratch segment (errno state and timespec) instead of opening an arena
 * per call: the call sits on the establish path of a link, where a VM under emulation pays dearly
 * for every allocation.
 */
final class ClockGettimeCall {
    private static final int CLOCK_THREAD_CPUTIME_ID = 3;
    private static final long TIMESPEC_BYTES = 16;
    private static final FunctionDescriptor DESCRIPTOR = FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS);
    private static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("clock_gettime"), DESCRIPTOR, Errno.CAPTURE);
    /** Per thread: [0] errno capture state, [1] timespec; freed with the thread's last reference. */
    private static final ThreadLocal<MemorySegment[]> SCRATCH = ThreadLocal.withInitial(() -> {
        Arena arena = Arena.ofAuto();
        return new MemorySegment[] {Errno.allocateState(arena), arena.allocate(TIMESPEC_BYTES, 8)};
    });

    private ClockGettimeCall() {
    }

    /** The calling thread's CPU time so far, user and system together. */
    static long currentThreadCpuNanos() throws NativeCallException {
        MemorySegment[] scratch = SCRATCH.get();
        MemorySegment state = scratch[0];
        MemorySegment timespec = scratch[1];
        int rc;
        try {
            rc = (int) HANDLE.invokeExact(state, CLOCK_THREAD_CPUTIME_ID, timespec);
        } catch (Throwable t) {
            throw new IllegalStateException("clock_gettime downcall failed: clockid=CLOCK_THREAD_CPUTIME_ID", t);
        }
        if (rc != 0) {
            throw new NativeCallException("clock_gettime", "CLOCK_THREAD_CPUTIME_ID", Errno.read(state));
        }
        return timespec.get(ValueLayout.JAVA_LONG, 0) * 1_000_000_000L + timespec.get(ValueLayout.JAVA_LONG, 8);
    }
}
