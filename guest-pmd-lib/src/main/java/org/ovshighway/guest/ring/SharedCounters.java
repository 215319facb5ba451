package org.ovshighway.guest.ring;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import org.ovshighway.guest.abi.Le;

/**
 * Stores of private counter values into a ring's counter line. Release stores: a reader that
 * acquires a counter also sees the ring state that produced it; the owning side is the only
 * writer of its line, so plain private longs are the source of truth.
 */
final class SharedCounters {
    private static final VarHandle U64 = Le.U64_HANDLE;

    private SharedCounters() {
    }

    /** Pairs with {@link #acquire} in stats readers. */
    static void release(MemorySegment region, long offset, long value) {
        U64.setRelease(region, offset, value);
    }

    /** Stats readers: pairs with {@link #release}. */
    static long acquire(MemorySegment region, long offset) {
        return (long) U64.getAcquire(region, offset);
    }
}
