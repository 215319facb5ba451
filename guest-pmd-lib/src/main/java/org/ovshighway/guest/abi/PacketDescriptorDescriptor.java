package org.ovshighway.guest.abi;

/**
 * One ring slot's packet descriptor ({@code memif_desc_t}), 16 bytes.
 *
 * <pre>
 *   +0   u16 flags     bit 0 NEXT (chained buffer). Highway never chains: a reader drops a
 *                      descriptor with any flag set
 *   +2   u16 region    memif region index; always 0 (the one region is the whole file)
 *   +4   u32 length    bytes of packet data
 *   +8   u32 offset    start of the packet data, from the region start
 *   +12  u32 metadata  0 (unused)
 * </pre>
 * A reader loads the descriptor as two little-endian u64 words: word 0 = flags | region &lt;&lt; 16 |
 * length &lt;&lt; 32, word 1 = offset | metadata &lt;&lt; 32.
 */
public final class PacketDescriptorDescriptor {
    /** Bytes per descriptor. */
    public static final int SIZE = 16;
    /** flags bit 0: the packet continues in the next slot. */
    public static final int FLAG_NEXT = 1;

    public static final long FLAGS_OFFSET = 0;
    public static final long REGION_OFFSET = FLAGS_OFFSET + Short.BYTES;
    public static final long LENGTH_OFFSET = REGION_OFFSET + Short.BYTES;
    public static final long DATA_OFFSET_OFFSET = LENGTH_OFFSET + Integer.BYTES;
    public static final long METADATA_OFFSET = DATA_OFFSET_OFFSET + Integer.BYTES;
    /** The u64 holding flags, region and length. */
    public static final long WORD0_OFFSET = FLAGS_OFFSET;
    /** The u64 holding offset and metadata. */
    public static final long WORD1_OFFSET = DATA_OFFSET_OFFSET;

    private PacketDescriptorDescriptor() {
    }
}
