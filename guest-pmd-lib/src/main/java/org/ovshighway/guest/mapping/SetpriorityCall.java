package org.ovshighway.guest.mapping;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * {@code int setpriority(int which, id_t who, int prio);} (glibc) with {@code which} PRIO_PROCESS
 * and {@code who} 0: on Linux the nice value of the calling thread alone.
 */
final class SetpriorityCall {
    private static final int PRIO_PROCESS = 0;
    private static final FunctionDescriptor DESCRIPTOR = FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
    private static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("setpriority"), DESCRIPTOR, Errno.CAPTURE);

    private SetpriorityCall() {
    }

    static void setCallingThread(int nice) throws NativeCallException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Errno.allocateState(arena);
            int rc = (int) HANDLE.invokeExact(state, PRIO_PROCESS, 0, nice);
            if (rc != 0) {
                throw new NativeCallException("setpriority", "(calling thread " + Thread.currentThread().getName()
                        + ", nice " + nice + ")", Errno.read(state));
            }
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("setpriority downcall failed: nice=" + nice, t);
        }
    }
}
