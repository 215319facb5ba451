package org.ovshighway.guest.mapping;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** {@code int open(const char *pathname, int flags, ... /* mode_t mode *&#47;);} (variadic from the third argument). */
final class OpenCall {
    /** O_RDWR on Linux. */
    static final int O_RDWR = 2;
    /** O_CLOEXEC on Linux x86-64 and aarch64. */
    static final int O_CLOEXEC = 0x80000;
    private static final FunctionDescriptor DESCRIPTOR = FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
    private static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("open"), DESCRIPTOR,
            Errno.CAPTURE, Linker.Option.firstVariadicArg(2));

    private OpenCall() {
    }

    /** Opens {@code path} with {@code flags}; returns the fd. */
    static int open(String path, int flags) throws NativeCallException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Errno.allocateState(arena);
            int fd = (int) HANDLE.invokeExact(state, arena.allocateFrom(path), flags, 0);
            if (fd < 0) {
                throw new NativeCallException("open", path, Errno.read(state));
            }
            return fd;
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("open downcall failed: path=" + path, t);
        }
    }
}
