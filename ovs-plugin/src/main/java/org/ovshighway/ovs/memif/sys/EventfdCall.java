package org.ovshighway.ovs.memif.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** {@code int eventfd(unsigned int initval, int flags);} */
final class EventfdCall {
    static final int EFD_CLOEXEC = 0x80000;
    static final int EFD_NONBLOCK = 0x800;

    private static final MethodHandle HANDLE = Native.downcallWithErrno("eventfd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    private EventfdCall() {
    }

    static int eventfd(int initialValue, int flags) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.callState(arena);
            int fd = (int) HANDLE.invokeExact(state, initialValue, flags);
            if (fd < 0) {
                throw new NativeException("eventfd", Native.errno(state), "flags=0x" + Integer.toHexString(flags));
            }
            return fd;
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
