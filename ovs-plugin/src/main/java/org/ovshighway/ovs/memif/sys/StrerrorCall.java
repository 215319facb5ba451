package org.ovshighway.ovs.memif.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * {@code char *strerror(int errnum);} — the text of an errno value. glibc returns a pointer to
 * a static message table for known values; its string is copied at once.
 */
final class StrerrorCall {
    private static final MethodHandle HANDLE =
            Native.downcall("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private StrerrorCall() {
    }

    static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) HANDLE.invokeExact(errno);
            if (text.equals(MemorySegment.NULL)) {
                return "errno " + errno;
            }
            return text.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
