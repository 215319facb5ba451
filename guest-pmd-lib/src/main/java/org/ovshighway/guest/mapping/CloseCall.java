package org.ovshighway.guest.mapping;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** {@code int close(int fd);} */
final class CloseCall {
    private static final FunctionDescriptor DESCRIPTOR = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
    private static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("close"), DESCRIPTOR, Errno.CAPTURE);

    private CloseCall() {
    }

    static void close(int fd, String path) throws NativeCallException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Errno.allocateState(arena);
            int rc = (int) HANDLE.invokeExact(state, fd);
            if (rc != 0) {
                throw new NativeCallException("close", path, Errno.read(state));
            }
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("close downcall failed: path=" + path + " fd=" + fd, t);
        }
    }
}
