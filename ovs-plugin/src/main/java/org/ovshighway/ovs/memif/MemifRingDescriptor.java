package org.ovshighway.ovs.memif;

/**
 * A memif ring in shared memory, {@code memif_ring_t} of DPDK's {@code drivers/net/memif/memif.h}
 * on x86_64 (64-byte cache lines): a 128-byte header, then 2^log2 buffer descriptors
 * ({@link MemifBufferDescriptor}).
 * <pre>
 *  0        4       6       8                 64      66                128
 *  +--------+-------+-------+-----------------+-------+-----------------+------------------
 *  | cookie | flags | head  |   (padding)     | tail  |   (padding)     | desc[0], desc[1] ...
 *  |  u32   |  u16  |  u16  |                 |  u16  |                 | 16 bytes each
 *  +--------+-------+-------+-----------------+-------+-----------------+------------------
 *  cache line 0: written by the producer      cache line 1: written by the consumer
 * </pre>
 * {@code head} is advanced by whoever fills descriptors (the client on a C2S ring; the client,
 * handing empty buffers, on an S2C ring); {@code tail} by the other side. Both are free-running
 * 16-bit counters; the slot is {@code counter & (size - 1)}. {@code flags} bit0
 * ({@code MEMIF_RING_FLAG_MASK_INT}) asks the writer not to signal the eventfd. The server
 * sets head and tail to 0 when it accepts CONNECT.
 */
public final class MemifRingDescriptor {
    /** {@code MEMIF_COOKIE}: every ring header starts with it; the server refuses a ring without. */
    public static final int COOKIE = 0x3E31F20;

    public static final int COOKIE_OFFSET = 0;
    public static final int FLAGS_OFFSET = COOKIE_OFFSET + 4;
    public static final int HEAD_OFFSET = FLAGS_OFFSET + 2;
    public static final int CACHE_LINE = 64;
    public static final int TAIL_OFFSET = CACHE_LINE;
    public static final int DESCRIPTORS_OFFSET = 2 * CACHE_LINE;

    /** {@code MEMIF_RING_FLAG_MASK_INT}. */
    public static final int FLAG_MASK_INT = 1;

    /** A 16-bit free-running index cannot address more than 2^15 slots unambiguously. */
    public static final int MAX_LOG2_RING_SIZE = 15;

    private MemifRingDescriptor() {
    }

    /** Bytes a ring of 2^{@code log2Size} descriptors occupies, header included. */
    public static long footprint(int log2Size) {
        return DESCRIPTORS_OFFSET + ((long) MemifBufferDescriptor.SIZE << log2Size);
    }

    /** Offset of descriptor {@code slot} from the ring start. */
    public static long descriptorOffset(int slot) {
        return DESCRIPTORS_OFFSET + (long) slot * MemifBufferDescriptor.SIZE;
    }
}
