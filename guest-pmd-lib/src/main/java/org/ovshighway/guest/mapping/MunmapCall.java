package org.ovshighway.guest.mapping;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** {@code int munmap(void *addr, size_t length);} */
final class MunmapCall {
    private static final FunctionDescriptor DESCRIPTOR = FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG);
    private static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("munmap"), DESCRIPTOR, Errno.CAPTURE);

    private MunmapCall() {
    }

    static void unmap(long address, long length, String path) throws NativeCallException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Errno.allocateState(arena);
            int rc = (int) HANDLE.invokeExact(state, MemorySegment.ofAddress(address), length);
            if (rc != 0) {
                throw new NativeCallException("munmap", path, Errno.read(state));
            }
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("munmap downcall failed: path=" + path, t);
        }
    }
}
