package org.ovshighway.proxy.stats;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * Counter additions collected while a reply is validated, applied only once the whole message has
 * validated: a message that fails half-way is relayed with no byte changed.
 */
final class PendingWrites {

    private int[] indices = new int[16];
    private long[] extras = new long[16];
    private int size;

    /** Queues adding {@code extra} to the 8-byte counter at absolute {@code index}; zero extras are skipped. */
    void add(int index, long extra) {
        if (extra == 0) {
            return;
        }
        if (size == indices.length) {
            indices = Arrays.copyOf(indices, size * 2);
            extras = Arrays.copyOf(extras, size * 2);
        }
        indices[size] = index;
        extras[size] = extra;
        size++;
    }

    void clear() {
        size = 0;
    }

    int size() {
        return size;
    }

    /**
     * Applies every queued addition, or none: each index was validated against the frame by the
     * decoder that queued it, and the check here keeps a decoder bug from ever writing outside
     * [{@code start}, {@code end}). Returns the first out-of-frame index, or -1 when all were applied.
     */
    int applyTo(ByteBuf buf, int start, int end) {
        for (int i = 0; i < size; i++) {
            if (indices[i] < start || indices[i] > end - 8) {
                return indices[i];
            }
        }
        for (int i = 0; i < size; i++) {
            SaturatingCounter.addAt(buf, indices[i], extras[i]);
        }
        return -1;
    }
}
