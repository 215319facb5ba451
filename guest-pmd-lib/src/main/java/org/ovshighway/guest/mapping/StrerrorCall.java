package org.ovshighway.guest.mapping;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** {@code char *strerror(int errnum);} */
final class StrerrorCall {
    private static final FunctionDescriptor DESCRIPTOR = FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT);
    private static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("strerror"), DESCRIPTOR);

    private StrerrorCall() {
    }

    static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) HANDLE.invokeExact(errno);
            if (text.equals(MemorySegment.NULL)) {
                return "unknown";
            }
            return text.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            throw new IllegalStateException("strerror failed: errno=" + errno, t);
        }
    }
}
