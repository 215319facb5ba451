package org.ovshighway.guest.mapping;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * {@code int sched_setaffinity(pid_t pid, size_t cpusetsize, const cpu_set_t *mask);} (glibc): sets
 * the CPUs thread {@code pid} may run on ({@code pid} 0: the calling thread).
 */
final class SchedSetaffinityCall {
    private static final FunctionDescriptor DESCRIPTOR = FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS);
    private static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("sched_setaffinity"), DESCRIPTOR, Errno.CAPTURE);

    private SchedSetaffinityCall() {
    }

    static void set(int pid, byte[] mask) throws NativeCallException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Errno.allocateState(arena);
            MemorySegment buffer = arena.allocate(mask.length, 8);
            MemorySegment.copy(mask, 0, buffer, ValueLayout.JAVA_BYTE, 0, mask.length);
            int rc = (int) HANDLE.invokeExact(state, pid, (long) mask.length, buffer);
            if (rc != 0) {
                throw new NativeCallException("sched_setaffinity", "pid=" + pid, Errno.read(state));
            }
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("sched_setaffinity downcall failed: pid=" + pid, t);
        }
    }
}
