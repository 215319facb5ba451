package org.ovshighway.guest.abi;

/**
 * Per-ring counters in the header, two cache lines per ring so that each side writes only its
 * own line. Each side keeps its counters in private fields and stores them here once per burst
 * (release stores), so readers (agent, stats) see monotonic values that lag by at most a burst.
 *
 * <pre>
 * producer line (written only by the ring's producer)
 *   +0   u64 packets          packets published
 *   +8   u64 bytes            bytes published (descriptor lengths)
 *   +16  u64 ringFullDrops    packets a TX call could not place because the ring was full
 *   +24  u64 invalidIndices   times the producer saw a nonsensical tail (treated as full)
 *   +32  32 bytes reserved
 * consumer line (written only by the ring's consumer), at +64
 *   +64  u64 packets          valid packets received
 *   +72  u64 bytes            bytes received
 *   +80  u64 invalidDescriptors  descriptors dropped (region != 0, flags != 0, outside buffer area)
 *   +88  u64 invalidIndices   times the consumer saw a head more than a ring ahead of its tail
 *   +96  32 bytes reserved
 * </pre>
 */
public final class RingCountersDescriptor {
    /** Bytes of one line. */
    public static final int LINE = RegionHeaderDescriptor.CACHE_LINE;
    /** Bytes per ring (producer line + consumer line). */
    public static final int SIZE_PER_RING = 2 * LINE;

    public static final long PRODUCER_LINE_OFFSET = 0;
    public static final long PRODUCER_PACKETS_OFFSET = PRODUCER_LINE_OFFSET;
    public static final long PRODUCER_BYTES_OFFSET = PRODUCER_PACKETS_OFFSET + Long.BYTES;
    public static final long PRODUCER_RING_FULL_DROPS_OFFSET = PRODUCER_BYTES_OFFSET + Long.BYTES;
    public static final long PRODUCER_INVALID_INDICES_OFFSET = PRODUCER_RING_FULL_DROPS_OFFSET + Long.BYTES;

    public static final long CONSUMER_LINE_OFFSET = PRODUCER_LINE_OFFSET + LINE;
    public static final long CONSUMER_PACKETS_OFFSET = CONSUMER_LINE_OFFSET;
    public static final long CONSUMER_BYTES_OFFSET = CONSUMER_PACKETS_OFFSET + Long.BYTES;
    public static final long CONSUMER_INVALID_DESCRIPTORS_OFFSET = CONSUMER_BYTES_OFFSET + Long.BYTES;
    public static final long CONSUMER_INVALID_INDICES_OFFSET = CONSUMER_INVALID_DESCRIPTORS_OFFSET + Long.BYTES;

    /** Within either line: packets. */
    public static final long PACKETS_IN_LINE = PRODUCER_PACKETS_OFFSET - PRODUCER_LINE_OFFSET;
    /** Within either line: bytes. */
    public static final long BYTES_IN_LINE = PRODUCER_BYTES_OFFSET - PRODUCER_LINE_OFFSET;
    /** Within the producer line: ring-full drops. */
    public static final long RING_FULL_DROPS_IN_LINE = PRODUCER_RING_FULL_DROPS_OFFSET - PRODUCER_LINE_OFFSET;
    /** Within the consumer line: invalid descriptors. */
    public static final long INVALID_DESCRIPTORS_IN_LINE = CONSUMER_INVALID_DESCRIPTORS_OFFSET - CONSUMER_LINE_OFFSET;
    /** Within either line: invalid indices. */
    public static final long INVALID_INDICES_IN_LINE = PRODUCER_INVALID_INDICES_OFFSET - PRODUCER_LINE_OFFSET;

    private RingCountersDescriptor() {
    }
}
