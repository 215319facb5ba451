package org.ovshighway.guest.abi;

/**
 * A ring in memif format ({@code memif_ring_t} of DPDK's {@code drivers/net/memif/memif.h} as
 * compiled on x86-64), so the very same bytes can be driven by OVS-DPDK's {@code net_memif}.
 *
 * <pre>
 *   +0    u32 cookie     {@link #COOKIE}
 *   +4    u16 flags      bit 0 MASK_INT: the consumer polls, no interrupt wanted
 *   +6    u16 head       written by the producer side: free-running, mod 65536
 *   +8    56 bytes pad
 *   +64   u16 tail       written by the consumer side: free-running, mod 65536
 *   +66   62 bytes pad
 *   +128  descriptors: 2^log2RingSize x 16 bytes, {@link PacketDescriptorDescriptor}
 * </pre>
 * Slot of index {@code i} is descriptor {@code i & (size - 1)}. {@code (head - tail) & 0xffff}
 * is the number of filled slots and is never larger than the ring size. head and tail are 16-bit
 * words: they are read and written only as 16-bit accesses (a wider store would clobber the
 * neighbour), and read values are masked with 0xffff before any arithmetic.
 */
public final class RingDescriptor {
    /** memif's ring cookie. */
    public static final int COOKIE = 0x3E31F20;
    /** flags bit 0: interrupts masked (polling). */
    public static final int FLAG_MASK_INT = 1;

    public static final long COOKIE_OFFSET = 0;
    public static final long FLAGS_OFFSET = COOKIE_OFFSET + Integer.BYTES;
    public static final long HEAD_OFFSET = FLAGS_OFFSET + Short.BYTES;
    public static final long TAIL_OFFSET = RegionHeaderDescriptor.CACHE_LINE;
    public static final long DESCRIPTORS_OFFSET = TAIL_OFFSET + RegionHeaderDescriptor.CACHE_LINE;

    private RingDescriptor() {
    }

    /** Bytes of a ring with {@code 2^log2RingSize} slots. */
    public static long ringBytes(int log2RingSize) {
        return DESCRIPTORS_OFFSET + ((long) PacketDescriptorDescriptor.SIZE << log2RingSize);
    }

    /** Offset of slot {@code slot}'s descriptor relative to the ring start. */
    public static long descriptorOffset(int slot) {
        return DESCRIPTORS_OFFSET + (long) slot * PacketDescriptorDescriptor.SIZE;
    }
}
