package org.ovshighway.guest.abi;

/**
 * What the creator of a region asks for one ring.
 *
 * @param direction    {@link RingTableEntryDescriptor#DIRECTION_0} or {@link RingTableEntryDescriptor#DIRECTION_1}
 * @param queue        queue index within the direction, 0..65535
 * @param log2RingSize 0..{@link RingTableEntryDescriptor#MAX_LOG2_RING_SIZE}
 * @param bufferSize   bytes per buffer, a positive multiple of 64
 */
public record RingSpec(int direction, int queue, int log2RingSize, int bufferSize) {
    /** Default bytes per buffer (holds a 1500-byte frame plus headroom, as memif's default). */
    public static final int DEFAULT_BUFFER_SIZE = 2048;
    /** Default ring size: 1024 slots (memif's default). */
    public static final int DEFAULT_LOG2_RING_SIZE = 10;

    public RingSpec {
        if (direction != RingTableEntryDescriptor.DIRECTION_0 && direction != RingTableEntryDescriptor.DIRECTION_1) {
            throw new IllegalArgumentException("ring direction must be 0 or 1: direction=" + direction);
        }
        if (queue < 0 || queue > 0xffff) {
            throw new IllegalArgumentException("ring queue out of range: queue=" + queue);
        }
        if (log2RingSize < 0 || log2RingSize > RingTableEntryDescriptor.MAX_LOG2_RING_SIZE) {
            throw new IllegalArgumentException("log2RingSize out of range 0..14: log2RingSize=" + log2RingSize);
        }
        if (bufferSize <= 0 || bufferSize % RegionHeaderDescriptor.CACHE_LINE != 0) {
            throw new IllegalArgumentException("bufferSize must be a positive multiple of 64: bufferSize=" + bufferSize);
        }
    }

    /** A ring of the given direction and queue with default size and buffer size. */
    public static RingSpec of(int direction, int queue) {
        return new RingSpec(direction, queue, DEFAULT_LOG2_RING_SIZE, DEFAULT_BUFFER_SIZE);
    }

    /** Number of slots. */
    public int ringSize() {
        return 1 << log2RingSize;
    }
}
