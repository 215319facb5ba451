package org.ovshighway.testbed;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * {@code int sched_setaffinity(pid_t pid, size_t cpusetsize, const cpu_set_t *mask);}
 * With {@code pid == 0} Linux applies the mask to the calling thread only, which is how a
 * harness pins its producer and consumer threads to different cores inside one JVM.
 */
final class SchedSetaffinity {
    /** glibc's cpu_set_t: 1024 bits. */
    static final int CPU_SET_BYTES = 128;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final FunctionDescriptor DESCRIPTOR = FunctionDescriptor.of(
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS);
    private static final MethodHandle HANDLE = LINKER.downcallHandle(
            LINKER.defaultLookup().find("sched_setaffinity")
                    .orElseThrow(() -> new IllegalStateException("symbol=sched_setaffinity not found in libc")),
            DESCRIPTOR, Linker.Option.captureCallState("errno"));

    private SchedSetaffinity() {
    }

    /** Pins the calling thread to {@code cpu}; throws naming the cpu and errno on failure. */
    static void pinCallingThread(int cpu) {
        if (cpu < 0 || cpu >= CPU_SET_BYTES * 8) {
            throw new IllegalArgumentException("cpu=" + cpu + " outside 0.." + (CPU_SET_BYTES * 8 - 1));
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(CPU_SET_BYTES, 8);
            mask.set(ValueLayout.JAVA_BYTE, cpu / 8, (byte) (1 << (cpu % 8)));
            MemorySegment callState = arena.allocate(CALL_STATE);
            int rc = (int) HANDLE.invokeExact(callState, 0, (long) CPU_SET_BYTES, mask);
            if (rc != 0) {
                int errno = (int) ERRNO.get(callState, 0L);
                throw new IllegalStateException("sched_setaffinity failed: cpu=" + cpu + " rc=" + rc
                        + " errno=" + errno + (errno == 22 ? " (EINVAL: cpu not allowed or not online)" : ""));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("sched_setaffinity call failed: cpu=" + cpu, t);
        }
    }
}
