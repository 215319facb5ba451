package org.ovshighway.testbed;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A count written by one thread (the worker) and sampled by another (the harness' main thread).
 * The value sits in the middle of a padded array so that it shares no cache line with other
 * data: the worker's stores must not make its neighbours' lines bounce.
 */
public final class PublishedCounter {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
    /** 8 longs (64 bytes) of padding on each side of the value. */
    private static final int VALUE_INDEX = 8;

    private final long[] slots = new long[2 * VALUE_INDEX + 1];

    /** Worker side: only the owning thread calls this. Pairs with {@link #acquire()}. */
    public void releaseAdd(long delta) {
        long current = (long) SLOT.getOpaque(slots, VALUE_INDEX);
        SLOT.setRelease(slots, VALUE_INDEX, current + delta);
    }

    /** Sampler side. Pairs with the release in {@link #releaseAdd(long)}. */
    public long acquire() {
        return (long) SLOT.getAcquire(slots, VALUE_INDEX);
    }
}
