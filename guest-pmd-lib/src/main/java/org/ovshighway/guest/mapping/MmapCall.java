package org.ovshighway.guest.mapping;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** {@code void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);} */
final class MmapCall {
    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 1;
    /** (void *) -1 */
    private static final long MAP_FAILED = -1L;
    private static final FunctionDescriptor DESCRIPTOR = FunctionDescriptor.of(ValueLayout.ADDRESS,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG);
    private static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("mmap"), DESCRIPTOR, Errno.CAPTURE);

    private MmapCall() {
    }

    /** Maps {@code length} bytes of {@code fd} read-write shared; returns the address. */
    static long mapShared(int fd, long length, String path) throws NativeCallException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Errno.allocateState(arena);
            MemorySegment address = (MemorySegment) HANDLE.invokeExact(state, MemorySegment.NULL, length,
                    PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0L);
            if (address.address() == MAP_FAILED) {
                throw new NativeCallException("mmap", path, Errno.read(state));
            }
            return address.address();
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("mmap downcall failed: path=" + path + " length=" + length, t);
        }
    }
}
