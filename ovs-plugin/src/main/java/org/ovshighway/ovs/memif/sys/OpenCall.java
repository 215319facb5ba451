package org.ovshighway.ovs.memif.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * {@code int open(const char *pathname, int flags, ...);} — variadic: the mode is passed as
 * the first variadic argument so the x86_64 variadic calling convention is followed.
 */
final class OpenCall {
    static final int O_RDWR = 2;
    static final int O_CLOEXEC = 0x80000;

    private static final MethodHandle HANDLE = Native.downcallWithErrno("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));

    private OpenCall() {
    }

    static int open(String path, int flags) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Native.callState(arena);
            int fd = (int) HANDLE.invokeExact(state, arena.allocateFrom(path), flags, 0);
            if (fd < 0) {
                throw new NativeException("open", Native.errno(state), "path=" + path);
            }
            return fd;
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
