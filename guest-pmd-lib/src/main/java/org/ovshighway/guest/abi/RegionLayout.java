package org.ovshighway.guest.abi;

import java.util.ArrayList;
import java.util.List;

/**
 * Every offset of a region and its total size. Computed from ring specs by the creator
 * ({@link #compute(List)}) or obtained from a mapped region by {@link RegionValidator}; either
 * way an immutable private copy.
 *
 * <p>Placement by {@link #compute(List)}: header (see {@link RegionHeaderDescriptor}), then the
 * rings in table order (each 64-byte aligned), then each ring's buffers in table order (one
 * buffer per slot). The region size is the used size rounded up to a power of two, at least
 * 4096: QEMU's ivshmem BAR must be a power of two, and the same number suits hugetlbfs files of
 * 2 MiB pages once the region exceeds 2 MiB.
 */
public final class RegionLayout {
    /** Smallest region size (one page). */
    public static final long MIN_REGION_SIZE = 4096;

    private final long headerSize;
    private final long usedSize;
    private final long regionSize;
    private final List<RingLayout> rings;

    RegionLayout(long headerSize, long usedSize, long regionSize, List<RingLayout> rings) {
        this.headerSize = headerSize;
        this.usedSize = usedSize;
        this.regionSize = regionSize;
        this.rings = List.copyOf(rings);
    }

    /** Layout for the given rings (ring table order = list order). */
    public static RegionLayout compute(List<RingSpec> specs) {
        int n = specs.size();
        if (n < 1 || n > RegionHeaderDescriptor.MAX_RINGS) {
            throw new IllegalArgumentException("ring count out of range 1.." + RegionHeaderDescriptor.MAX_RINGS
                    + ": ringCount=" + n);
        }
        long header = RegionHeaderDescriptor.headerSize(n);
        long[] ringOffsets = new long[n];
        long cursor = header;
        for (int i = 0; i < n; i++) {
            ringOffsets[i] = cursor;
            cursor = alignLine(cursor + RingDescriptor.ringBytes(specs.get(i).log2RingSize()));
        }
        List<RingLayout> rings = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            RingSpec s = specs.get(i);
            int count = s.ringSize();
            rings.add(new RingLayout(i, s.direction(), s.queue(), s.log2RingSize(), ringOffsets[i], cursor,
                    s.bufferSize(), count, RegionHeaderDescriptor.producerCountersOffset(n, i)));
            cursor = alignLine(cursor + (long) s.bufferSize() * count);
        }
        long regionSize = Math.max(MIN_REGION_SIZE, Long.highestOneBit(cursor - 1) << 1);
        if (regionSize > RegionHeaderDescriptor.MAX_REGION_SIZE) {
            throw new IllegalArgumentException("region too large for u32 memif offsets: regionSize=" + regionSize);
        }
        return new RegionLayout(header, cursor, regionSize, rings);
    }

    /**
     * Layout of a link region with default ring and buffer sizes: one ring produced by end 0,
     * and when {@code bothDirections} a second produced by end 1.
     */
    public static RegionLayout link(boolean bothDirections) {
        return bothDirections
                ? compute(List.of(RingSpec.of(RingTableEntryDescriptor.DIRECTION_0, 0),
                        RingSpec.of(RingTableEntryDescriptor.DIRECTION_1, 0)))
                : compute(List.of(RingSpec.of(RingTableEntryDescriptor.DIRECTION_0, 0)));
    }

    /**
     * Layout of a ring-port region with default sizes: {@code queues} memif C2S rings (guest
     * transmits, direction 0) followed by {@code queues} S2C rings (guest receives, direction 1).
     */
    public static RegionLayout port(int queues) {
        List<RingSpec> specs = new ArrayList<>();
        for (int q = 0; q < queues; q++) {
            specs.add(RingSpec.of(RingTableEntryDescriptor.DIRECTION_0, q));
        }
        for (int q = 0; q < queues; q++) {
            specs.add(RingSpec.of(RingTableEntryDescriptor.DIRECTION_1, q));
        }
        return compute(specs);
    }

    /** Bytes of the header (identity, control lines, ring table, counters). */
    public long headerSize() {
        return headerSize;
    }

    /** First byte after the last buffer area. */
    public long usedSize() {
        return usedSize;
    }

    /** Size of the whole region (file size / BAR size), as stored in the header. */
    public long regionSize() {
        return regionSize;
    }

    /** Number of rings. */
    public int ringCount() {
        return rings.size();
    }

    /** Ring {@code index} in table order. */
    public RingLayout ring(int index) {
        return rings.get(index);
    }

    /** All rings in table order. */
    public List<RingLayout> rings() {
        return rings;
    }

    /** The ring of the given direction and queue, or {@code null}. */
    public RingLayout find(int direction, int queue) {
        for (RingLayout r : rings) {
            if (r.direction() == direction && r.queue() == queue) {
                return r;
            }
        }
        return null;
    }

    static long alignLine(long offset) {
        return (offset + RegionHeaderDescriptor.CACHE_LINE - 1) & -RegionHeaderDescriptor.CACHE_LINE;
    }

    @Override
    public String toString() {
        return "RegionLayout[headerSize=" + headerSize + ", usedSize=" + usedSize + ", regionSize=" + regionSize
                + ", rings=" + rings + "]";
    }
}
