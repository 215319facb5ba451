package org.ovshighway.guest.mapping;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * {@code int getrusage(int who, struct rusage *usage);} with {@code who = RUSAGE_THREAD} (1,
 * Linux only), used for {@code ru_utime} and {@code ru_stime}. On Linux x86-64 and aarch64 both
 * are {@code struct timeval} (two i64: seconds, microseconds) at offsets 0 and 16, and
 * {@code struct rusage} is 144 bytes.
 */
final class GetrusageCall {
    private static final int RUSAGE_THREAD = 1;
    private static final long RUSAGE_BYTES = 144;
    private static final long UTIME_OFFSET = 0;
    private static final long STIME_OFFSET = 16;
    private static final FunctionDescriptor DESCRIPTOR = FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS);
    private static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("getrusage"), DESCRIPTOR, Errno.CAPTURE);

    private GetrusageCall() {
    }

    /** User and system CPU time of a thread, as {@code getrusage} accounts them. */
    record Split(long userNanos, long systemNanos) {
    }

    /** The calling thread's user and system CPU time so far. */
    static Split currentThread() throws NativeCallException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Errno.allocateState(arena);
            MemorySegment usage = arena.allocate(RUSAGE_BYTES, 8);
            int rc = (int) HANDLE.invokeExact(state, RUSAGE_THREAD, usage);
            if (rc != 0) {
                throw new NativeCallException("getrusage", "RUSAGE_THREAD", Errno.read(state));
            }
            return new Split(nanos(usage, UTIME_OFFSET), nanos(usage, STIME_OFFSET));
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("getrusage downcall failed: who=RUSAGE_THREAD", t);
        }
    }

    private static long nanos(MemorySegment usage, long timevalOffset) {
        long seconds = usage.get(ValueLayout.JAVA_LONG, timevalOffset);
        long micros = usage.get(ValueLayout.JAVA_LONG, timevalOffset + 8);
        return seconds * 1_000_000_000L + micros * 1_000L;
    }
}
