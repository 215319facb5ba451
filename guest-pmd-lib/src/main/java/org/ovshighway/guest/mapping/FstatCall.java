package org.ovshighway.guest.mapping;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * {@code int fstat(int fd, struct stat *statbuf);} used for {@code st_size} only. On Linux
 * x86-64 and aarch64 (glibc &gt;= 2.33 exports {@code fstat}) {@code st_size} is the i64 at
 * offset 48 and {@code struct stat} is at most 144 bytes. A sysfs {@code resource2} reports its
 * BAR size here, though read() on it fails.
 */
final class FstatCall {
    private static final long STAT_BYTES = 256;
    private static final long ST_SIZE_OFFSET = 48;
    private static final FunctionDescriptor DESCRIPTOR = FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS);
    private static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("fstat"), DESCRIPTOR, Errno.CAPTURE);

    private FstatCall() {
    }

    /** st_size of the open file {@code fd}. */
    static long size(int fd, String path) throws NativeCallException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Errno.allocateState(arena);
            MemorySegment stat = arena.allocate(STAT_BYTES, 8);
            int rc = (int) HANDLE.invokeExact(state, fd, stat);
            if (rc != 0) {
                throw new NativeCallException("fstat", path, Errno.read(state));
            }
            return stat.get(ValueLayout.JAVA_LONG, ST_SIZE_OFFSET);
        } catch (NativeCallException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("fstat downcall failed: path=" + path + " fd=" + fd, t);
        }
    }
}
