package org.ovshighway.guest.abi;

/**
 * One 64-byte entry of the ring table ({@link RegionHeaderDescriptor#RING_TABLE_OFFSET}), written
 * once by the creator before the magic is published.
 *
 * <pre>
 *   +0   u16 direction        LINK: 0 = end 0 produces (end0 -&gt; end1), 1 = end 1 produces;
 *                             PORT: 0 = guest -&gt; switch (memif C2S), 1 = switch -&gt; guest (memif S2C)
 *   +2   u16 queue            queue index within the direction (memif ring index)
 *   +4   u8  log2RingSize     0..{@link #MAX_LOG2_RING_SIZE}; ring has 2^log2RingSize slots
 *   +5   u8  reserved         0
 *   +6   u16 reserved         0
 *   +8   u64 ringOffset       start of the memif ring ({@link RingDescriptor}), 64-byte aligned
 *   +16  u64 bufferAreaOffset start of this ring's buffers, 64-byte aligned
 *   +24  u32 bufferSize       bytes per buffer, a multiple of 64
 *   +28  u32 bufferCount      number of buffers, &gt;= ring size (buffer i belongs to slot i)
 *   +32  u64 countersOffset   this ring's producer counter line; the consumer line follows at +64
 *   +40  24 bytes reserved    0
 * </pre>
 */
public final class RingTableEntryDescriptor {
    /** Bytes per entry. */
    public static final int SIZE = 64;
    /** Largest ring: 2^14 slots (memif's limit, and what OVS-DPDK's server accepts). */
    public static final int MAX_LOG2_RING_SIZE = 14;

    /** LINK: ring produced by end 0. PORT: memif C2S (guest transmits). */
    public static final int DIRECTION_0 = 0;
    /** LINK: ring produced by end 1. PORT: memif S2C (guest receives). */
    public static final int DIRECTION_1 = 1;

    public static final long DIRECTION_OFFSET = 0;
    public static final long QUEUE_OFFSET = DIRECTION_OFFSET + Short.BYTES;
    public static final long LOG2_RING_SIZE_OFFSET = QUEUE_OFFSET + Short.BYTES;
    public static final long RESERVED0_OFFSET = LOG2_RING_SIZE_OFFSET + Byte.BYTES;
    public static final long RESERVED1_OFFSET = RESERVED0_OFFSET + Byte.BYTES;
    public static final long RING_OFFSET_OFFSET = RESERVED1_OFFSET + Short.BYTES;
    public static final long BUFFER_AREA_OFFSET_OFFSET = RING_OFFSET_OFFSET + Long.BYTES;
    public static final long BUFFER_SIZE_OFFSET = BUFFER_AREA_OFFSET_OFFSET + Long.BYTES;
    public static final long BUFFER_COUNT_OFFSET = BUFFER_SIZE_OFFSET + Integer.BYTES;
    public static final long COUNTERS_OFFSET_OFFSET = BUFFER_COUNT_OFFSET + Integer.BYTES;
    public static final long RESERVED2_OFFSET = COUNTERS_OFFSET_OFFSET + Long.BYTES;

    private RingTableEntryDescriptor() {
    }
}
