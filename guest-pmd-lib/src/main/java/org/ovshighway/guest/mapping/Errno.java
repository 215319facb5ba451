package org.ovshighway.guest.mapping;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/** errno captured by downcalls made with {@link #CAPTURE}. */
final class Errno {
    /** Linker option that makes a downcall store errno into a leading capture-state segment. */
    static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private Errno() {
    }

    /** A fresh capture-state segment in {@code arena}. */
    static MemorySegment allocateState(Arena arena) {
        return arena.allocate(STATE);
    }

    /** errno stored in {@code state} by the last call that used it. */
    static int read(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** strerror text, or "unknown" if strerror itself fails. */
    static String describe(int errno) {
        try {
            return StrerrorCall.strerror(errno);
        } catch (RuntimeException e) {
            return "unknown";
        }
    }
}
