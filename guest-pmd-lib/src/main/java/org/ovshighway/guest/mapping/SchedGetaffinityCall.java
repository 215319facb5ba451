package org.ovshighway.guest.mapping;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * {@code int sched_getaffinity(pid_t pid, size_t cpusetsize, cpu_set_t *mask);} (glibc): the CPUs
 * thread {@code pid} may run on ({@code pid} 0: the calling thread). The mask is read into
 * {@link CpuAffinity#MASK_BYTES} bytes, more than any kernel's CPU mask here needs.
 */
final class SchedGetaffinityCall {
    private static final FunctionDescriptor DESCRIPTOR = FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS);
    private static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("sched_getaffinity"), DESCRIPTOR, Errno.CAPTURE);

    private SchedGetaffinityCall() {
    }

    /** The affinity mask of thread {@code pid}, {@link CpuAffinity#MASK_BYTES} bytes. */
    static byte[] mask(int pid) throws NativeCallException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Errno.allocateState(arena);
            MemorySegment mask = arena.allocate(CpuAffinity.MASK_BYTES, 8);
            int rc = (int) HANDLE.invokeExact(state, pid, (long) CpuAffinity.MASK_BYTES, mask);
            if (rc != 0) {
                throw new NativeCallException("sched_getaffinity", "pid=" + pid, Errno.read(state));
            }
            return mask.toArray(ValueLayout.JAVA_BYTE);
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("sched_getaffinity downcall failed: pid=" + pid, t);
        }
    }
}
