package org.ovshighway.guest.abi;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a region's header once and checks all of it against the mapped size: magic, version,
 * kind, sizes, names, and every ring and buffer area (inside the region, after the header,
 * aligned, not overlapping). The result is a private copy; callers never re-read the layout
 * from shared memory, so a peer rewriting the header later cannot move them outside the region.
 */
public final class RegionValidator {
    private RegionValidator() {
    }

    /**
     * Validates the region mapped at {@code region} (its byte size is the mapped size).
     *
     * @throws RegionFormatException naming the first field that is wrong
     */
    public static ValidatedRegion validate(MemorySegment region) throws RegionFormatException {
        long mapped = region.byteSize();
        if (mapped < RegionHeaderDescriptor.RING_TABLE_OFFSET) {
            throw new RegionFormatException("mappedSize", "value=" + mapped + " minimum="
                    + RegionHeaderDescriptor.RING_TABLE_OFFSET);
        }
        // pairs with the release store of the magic in RegionInitializer.initialize
        long magic = (long) Le.U64_HANDLE.getAcquire(region, RegionHeaderDescriptor.MAGIC_OFFSET);
        if (magic != RegionHeaderDescriptor.MAGIC) {
            throw new RegionFormatException("magic", "value=0x" + Long.toHexString(magic)
                    + " expected=0x" + Long.toHexString(RegionHeaderDescriptor.MAGIC));
        }
        int major = u16(region, RegionHeaderDescriptor.VERSION_MAJOR_OFFSET);
        if (major != AbiVersion.MAJOR) {
            throw new RegionFormatException("versionMajor", "value=" + major + " supported=" + AbiVersion.MAJOR);
        }
        int kindCode = u16(region, RegionHeaderDescriptor.KIND_OFFSET);
        RegionKind kind = RegionKind.ofCode(kindCode);
        if (kind == null) {
            throw new RegionFormatException("kind", "value=" + kindCode + " expected=1(PORT)|2(LINK)");
        }
        int ringCount = u16(region, RegionHeaderDescriptor.RING_COUNT_OFFSET);
        int maxRings = kind == RegionKind.LINK ? 2 : RegionHeaderDescriptor.MAX_RINGS;
        if (ringCount < 1 || ringCount > maxRings) {
            throw new RegionFormatException("ringCount", "value=" + ringCount + " range=1.." + maxRings
                    + " kind=" + kind);
        }
        long headerSize = u32(region, RegionHeaderDescriptor.HEADER_SIZE_OFFSET);
        long expectedHeader = RegionHeaderDescriptor.headerSize(ringCount);
        if (headerSize != expectedHeader) {
            throw new RegionFormatException("headerSize", "value=" + headerSize + " expected=" + expectedHeader
                    + " ringCount=" + ringCount);
        }
        long regionSize = region.get(Le.U64, RegionHeaderDescriptor.REGION_SIZE_OFFSET);
        if (regionSize < headerSize || regionSize > mapped || regionSize > RegionHeaderDescriptor.MAX_REGION_SIZE) {
            throw new RegionFormatException("regionSize", "value=" + Long.toUnsignedString(regionSize)
                    + " headerSize=" + headerSize + " mappedSize=" + mapped
                    + " max=" + RegionHeaderDescriptor.MAX_REGION_SIZE);
        }
        long generation = region.get(Le.U64, RegionHeaderDescriptor.GENERATION_OFFSET);
        if (generation == 0) {
            throw new RegionFormatException("generation", "value=0 (uninitialised)");
        }
        long linkId = region.get(Le.U64, RegionHeaderDescriptor.LINK_ID_OFFSET);
        if (kind == RegionKind.PORT && linkId != 0) {
            throw new RegionFormatException("linkId", "value=" + Long.toUnsignedString(linkId) + " kind=PORT expected=0");
        }
        String name0 = RegionNames.read(region, RegionHeaderDescriptor.NAME0_OFFSET);
        if (name0 == null) {
            throw new RegionFormatException("name0", "value=" + hexName(region, RegionHeaderDescriptor.NAME0_OFFSET));
        }
        String name1 = RegionNames.read(region, RegionHeaderDescriptor.NAME1_OFFSET);
        if (name1 == null) {
            throw new RegionFormatException("name1", "value=" + hexName(region, RegionHeaderDescriptor.NAME1_OFFSET));
        }
        if (kind == RegionKind.LINK && name0.equals(name1)) {
            throw new RegionFormatException("name1", "value=" + name1 + " name0=" + name0
                    + " (the two ends of a link must differ)");
        }
        List<RingLayout> rings = new ArrayList<>(ringCount);
        long used = headerSize;
        for (int i = 0; i < ringCount; i++) {
            RingLayout ring = readRing(region, i, ringCount, headerSize, regionSize);
            for (RingLayout other : rings) {
                checkDistinct(ring, other);
            }
            rings.add(ring);
            used = Math.max(used, Math.max(ring.ringEnd(), ring.bufferAreaEnd()));
        }
        RegionIdentity identity = new RegionIdentity(kind, generation, linkId, name0, name1);
        return new ValidatedRegion(identity, new RegionLayout(headerSize, used, regionSize, rings));
    }

    private static RingLayout readRing(MemorySegment region, int i, int ringCount, long headerSize, long regionSize)
            throws RegionFormatException {
        long e = RegionHeaderDescriptor.ringEntryOffset(i);
        String p = "ring[" + i + "].";
        int direction = u16(region, e + RingTableEntryDescriptor.DIRECTION_OFFSET);
        if (direction != RingTableEntryDescriptor.DIRECTION_0 && direction != RingTableEntryDescriptor.DIRECTION_1) {
            throw new RegionFormatException(p + "direction", "value=" + direction + " expected=0|1");
        }
        int queue = u16(region, e + RingTableEntryDescriptor.QUEUE_OFFSET);
        int log2 = region.get(Le.U8, e + RingTableEntryDescriptor.LOG2_RING_SIZE_OFFSET) & 0xff;
        if (log2 > RingTableEntryDescriptor.MAX_LOG2_RING_SIZE) {
            throw new RegionFormatException(p + "log2RingSize", "value=" + log2 + " max="
                    + RingTableEntryDescriptor.MAX_LOG2_RING_SIZE);
        }
        long ringOffset = region.get(Le.U64, e + RingTableEntryDescriptor.RING_OFFSET_OFFSET);
        long ringBytes = RingDescriptor.ringBytes(log2);
        checkArea(p + "ringOffset", ringOffset, ringBytes, headerSize, regionSize);
        long bufferArea = region.get(Le.U64, e + RingTableEntryDescriptor.BUFFER_AREA_OFFSET_OFFSET);
        long bufferSize = u32(region, e + RingTableEntryDescriptor.BUFFER_SIZE_OFFSET);
        if (bufferSize == 0 || bufferSize % RegionHeaderDescriptor.CACHE_LINE != 0 || bufferSize > regionSize) {
            throw new RegionFormatException(p + "bufferSize", "value=" + bufferSize
                    + " expected=positive multiple of 64 regionSize=" + regionSize);
        }
        long bufferCount = u32(region, e + RingTableEntryDescriptor.BUFFER_COUNT_OFFSET);
        if (bufferCount < (1L << log2) || bufferCount > regionSize / bufferSize) {
            throw new RegionFormatException(p + "bufferCount", "value=" + bufferCount + " ringSize=" + (1L << log2)
                    + " bufferSize=" + bufferSize + " regionSize=" + regionSize);
        }
        checkArea(p + "bufferAreaOffset", bufferArea, bufferSize * bufferCount, headerSize, regionSize);
        long counters = region.get(Le.U64, e + RingTableEntryDescriptor.COUNTERS_OFFSET_OFFSET);
        long expectedCounters = RegionHeaderDescriptor.producerCountersOffset(ringCount, i);
        if (counters != expectedCounters) {
            throw new RegionFormatException(p + "countersOffset", "value=" + Long.toUnsignedString(counters)
                    + " expected=" + expectedCounters);
        }
        RingLayout ring = new RingLayout(i, direction, queue, log2, ringOffset, bufferArea, (int) bufferSize,
                (int) bufferCount, counters);
        if (ring.ringOffset() < ring.bufferAreaEnd() && ring.bufferAreaOffset() < ring.ringEnd()) {
            throw new RegionFormatException(p + "bufferAreaOffset", "value=" + ring.bufferAreaOffset()
                    + " overlaps=own ring ringOffset=" + ring.ringOffset() + " ringEnd=" + ring.ringEnd());
        }
        return ring;
    }

    /** [offset, offset + length) must be 64-aligned and lie in [headerSize, regionSize). */
    private static void checkArea(String field, long offset, long length, long headerSize, long regionSize)
            throws RegionFormatException {
        if (offset < headerSize || offset > regionSize || length > regionSize - offset
                || (offset & (RegionHeaderDescriptor.CACHE_LINE - 1)) != 0) {
            throw new RegionFormatException(field, "value=" + Long.toUnsignedString(offset) + " length=" + length
                    + " headerSize=" + headerSize + " regionSize=" + regionSize + " alignment=64");
        }
    }

    private static void checkDistinct(RingLayout a, RingLayout b) throws RegionFormatException {
        String p = "ring[" + a.index() + "].";
        if (a.direction() == b.direction() && a.queue() == b.queue()) {
            throw new RegionFormatException(p + "queue", "value=" + a.queue() + " direction=" + a.direction()
                    + " duplicateOf=ring[" + b.index() + "]");
        }
        long[][] areasA = {{a.ringOffset(), a.ringEnd()}, {a.bufferAreaOffset(), a.bufferAreaEnd()}};
        long[][] areasB = {{b.ringOffset(), b.ringEnd()}, {b.bufferAreaOffset(), b.bufferAreaEnd()}};
        String[] names = {"ringOffset", "bufferAreaOffset"};
        for (int x = 0; x < 2; x++) {
            for (long[] other : areasB) {
                if (areasA[x][0] < other[1] && other[0] < areasA[x][1]) {
                    throw new RegionFormatException(p + names[x], "value=" + areasA[x][0] + " end=" + areasA[x][1]
                            + " overlaps=ring[" + b.index() + "] otherStart=" + other[0] + " otherEnd=" + other[1]);
                }
            }
        }
    }

    private static int u16(MemorySegment region, long offset) {
        return region.get(Le.U16, offset) & 0xffff;
    }

    private static long u32(MemorySegment region, long offset) {
        return region.get(Le.U32, offset) & 0xffffffffL;
    }

    private static String hexName(MemorySegment region, long offset) {
        StringBuilder sb = new StringBuilder("0x");
        for (int i = 0; i < RegionHeaderDescriptor.NAME_BYTES; i++) {
            sb.append(String.format("%02x", region.get(Le.U8, offset + i)));
        }
        return sb.toString();
    }
}
