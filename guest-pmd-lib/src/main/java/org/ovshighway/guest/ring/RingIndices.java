package org.ovshighway.guest.ring;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import org.ovshighway.guest.abi.Le;

/**
 * The only code that touches a ring's shared head and tail. Each method is one 16-bit access
 * (never wider: head shares its 8 bytes with cookie and flags written by others). Values are
 * returned as ints in 0..65535.
 */
final class RingIndices {
    private static final VarHandle U16 = Le.U16_HANDLE;

    private RingIndices() {
    }

    /** Consumer side: pairs with {@link #releaseHead}; after it the descriptors and payloads up to head are visible. */
    static int acquireHead(MemorySegment region, long headOffset) {
        return (short) U16.getAcquire(region, headOffset) & 0xffff;
    }

    /** Producer side: publishes descriptors and payloads written before it; pairs with {@link #acquireHead}. */
    static void releaseHead(MemorySegment region, long headOffset, int head) {
        U16.setRelease(region, headOffset, (short) head);
    }

    /** Producer side: pairs with {@link #releaseTail}; after it the consumer is done with the buffers up to tail. */
    static int acquireTail(MemorySegment region, long tailOffset) {
        return (short) U16.getAcquire(region, tailOffset) & 0xffff;
    }

    /** Consumer side: hands buffers read before it back to the producer; pairs with {@link #acquireTail}. */
    static void releaseTail(MemorySegment region, long tailOffset, int tail) {
        U16.setRelease(region, tailOffset, (short) tail);
    }
}
