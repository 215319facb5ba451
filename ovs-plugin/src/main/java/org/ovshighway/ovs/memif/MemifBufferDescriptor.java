package org.ovshighway.ovs.memif;

/**
 * One buffer descriptor of a memif ring, {@code memif_desc_t} of DPDK's
 * {@code drivers/net/memif/memif.h}, 16 bytes, packed:
 * <pre>
 *  0       2        4         8         12         16
 *  +-------+--------+---------+---------+----------+
 *  | flags | region | length  | offset  | metadata |
 *  |  u16  |  u16   |  u32    |  u32    |  u32     |
 *  +-------+--------+---------+---------+----------+
 * </pre>
 * {@code offset} is from the start of region {@code region}; {@code flags} bit0
 * ({@code MEMIF_DESC_FLAG_NEXT}) chains the next descriptor into the same frame.
 */
public final class MemifBufferDescriptor {
    public static final int FLAGS_OFFSET = 0;
    public static final int REGION_OFFSET = FLAGS_OFFSET + 2;
    public static final int LENGTH_OFFSET = REGION_OFFSET + 2;
    public static final int BUFFER_OFFSET_OFFSET = LENGTH_OFFSET + 4;
    public static final int METADATA_OFFSET = BUFFER_OFFSET_OFFSET + 4;
    public static final int SIZE = METADATA_OFFSET + 4;

    /** {@code MEMIF_DESC_FLAG_NEXT}. */
    public static final int FLAG_NEXT = 1;

    private MemifBufferDescriptor() {
    }
}
