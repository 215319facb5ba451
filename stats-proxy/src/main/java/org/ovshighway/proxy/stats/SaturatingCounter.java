package org.ovshighway.proxy.stats;

import io.netty.buffer.ByteBuf;

/** Adds to an unsigned 64-bit big-endian counter in place, saturating at 2^64-1 instead of wrapping. */
final class SaturatingCounter {

    private SaturatingCounter() {
    }

    /** The unsigned sum, or all ones when it overflows; {@code extra} must be non-negative. */
    static long add(long counter, long extra) {
        long sum = counter + extra;
        return Long.compareUnsigned(sum, counter) < 0 ? -1L : sum;
    }

    /** Rewrites the 8 bytes at absolute {@code index} of {@code buf}; a zero {@code extra} writes nothing. */
    static void addAt(ByteBuf buf, int index, long extra) {
        if (extra != 0) {
            buf.setLong(index, add(buf.getLong(index), extra));
        }
    }
}
