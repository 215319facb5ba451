package org.ovshighway.ovs.memif.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * {@code int close(int fd);} — never retried: on Linux the descriptor is released even when
 * close reports EINTR, and a retry could close a descriptor another thread just got.
 */
final class CloseCall {
    private static final MethodHandle HANDLE = Native.downcallWithErrno("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private CloseCall() {
    }

    static void close(int fd, String what) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.callState(arena);
            int rc = (int) HANDLE.invokeExact(state, fd);
            if (rc != 0) {
                throw new NativeException("close", Native.errno(state), "fd=" + fd + " " + what);
            }
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
