package org.ovshighway.guest.abi;

import java.lang.foreign.MemorySegment;

/**
 * Writes a fresh header and fresh rings into a region (host side and tests; creating the file
 * is the host module's job). Buffers are left as they are.
 *
 * <p>Publication order: the magic is first cleared, every other field written, and the magic
 * written last with a release store, pairing with the acquire load of the magic in
 * {@link RegionValidator#validate(MemorySegment)}: a reader that sees the magic sees the whole
 * header.
 */
public final class RegionInitializer {
    private RegionInitializer() {
    }

    /**
     * Initialises {@code region} (at least {@code layout.regionSize()} bytes) for the given
     * identity. Every ring gets cookie, flags = MASK_INT (Highway polls), head = tail = 0, and
     * every slot's descriptor pre-set to (flags 0, region 0, length bufferSize, offset of buffer
     * {@code slot}) as a memif client initialises its rings.
     */
    public static void initialize(MemorySegment region, RegionLayout layout, RegionIdentity identity) {
        if (region.byteSize() < layout.regionSize()) {
            throw new IllegalArgumentException("segment smaller than the region: segmentSize=" + region.byteSize()
                    + " regionSize=" + layout.regionSize());
        }
        // hides the region from validators while it is rewritten
        Le.U64_HANDLE.setRelease(region, RegionHeaderDescriptor.MAGIC_OFFSET, 0L);
        region.asSlice(Long.BYTES, layout.headerSize() - Long.BYTES).fill((byte) 0);

        region.set(Le.U16, RegionHeaderDescriptor.VERSION_MAJOR_OFFSET, (short) AbiVersion.MAJOR);
        region.set(Le.U16, RegionHeaderDescriptor.VERSION_MINOR_OFFSET, (short) AbiVersion.MINOR);
        region.set(Le.U16, RegionHeaderDescriptor.KIND_OFFSET, (short) identity.kind().code());
        region.set(Le.U16, RegionHeaderDescriptor.RING_COUNT_OFFSET, (short) layout.ringCount());
        region.set(Le.U32, RegionHeaderDescriptor.HEADER_SIZE_OFFSET, (int) layout.headerSize());
        region.set(Le.U64, RegionHeaderDescriptor.REGION_SIZE_OFFSET, layout.regionSize());
        region.set(Le.U64, RegionHeaderDescriptor.GENERATION_OFFSET, identity.generation());
        region.set(Le.U64, RegionHeaderDescriptor.LINK_ID_OFFSET, identity.linkId());
        RegionNames.write(region, RegionHeaderDescriptor.NAME0_OFFSET, identity.name0());
        RegionNames.write(region, RegionHeaderDescriptor.NAME1_OFFSET, identity.name1());

        for (RingLayout ring : layout.rings()) {
            long e = RegionHeaderDescriptor.ringEntryOffset(ring.index());
            region.set(Le.U16, e + RingTableEntryDescriptor.DIRECTION_OFFSET, (short) ring.direction());
            region.set(Le.U16, e + RingTableEntryDescriptor.QUEUE_OFFSET, (short) ring.queue());
            region.set(Le.U8, e + RingTableEntryDescriptor.LOG2_RING_SIZE_OFFSET, (byte) ring.log2RingSize());
            region.set(Le.U64, e + RingTableEntryDescriptor.RING_OFFSET_OFFSET, ring.ringOffset());
            region.set(Le.U64, e + RingTableEntryDescriptor.BUFFER_AREA_OFFSET_OFFSET, ring.bufferAreaOffset());
            region.set(Le.U32, e + RingTableEntryDescriptor.BUFFER_SIZE_OFFSET, ring.bufferSize());
            region.set(Le.U32, e + RingTableEntryDescriptor.BUFFER_COUNT_OFFSET, ring.bufferCount());
            region.set(Le.U64, e + RingTableEntryDescriptor.COUNTERS_OFFSET_OFFSET, ring.countersOffset());
            initializeRing(region, ring);
        }
        // pairs with the acquire load of the magic in RegionValidator.validate
        Le.U64_HANDLE.setRelease(region, RegionHeaderDescriptor.MAGIC_OFFSET, RegionHeaderDescriptor.MAGIC);
    }

    /**
     * Gives an initialised region that nobody maps yet a new identity of the same kind (the
     * agent's spare link regions: initialised ahead of time, named when a link claims one). Only
     * the identity fields change, inside the same publication order as {@link #initialize}: magic
     * cleared, fields written, magic released.
     *
     * @throws IllegalArgumentException when the region holds no initialised header of
     *                                  {@code identity}'s kind
     */
    public static void reidentify(MemorySegment region, RegionIdentity identity) {
        if (region.byteSize() < RegionHeaderDescriptor.NAME1_OFFSET + RegionHeaderDescriptor.NAME_BYTES) {
            throw new IllegalArgumentException("segment smaller than a header: segmentSize=" + region.byteSize());
        }
        long magic = (long) Le.U64_HANDLE.getAcquire(region, RegionHeaderDescriptor.MAGIC_OFFSET);
        int kind = region.get(Le.U16, RegionHeaderDescriptor.KIND_OFFSET);
        if (magic != RegionHeaderDescriptor.MAGIC || kind != identity.kind().code()) {
            throw new IllegalArgumentException("not an initialised region of kind=" + identity.kind() + ": magic=0x"
                    + Long.toHexString(magic) + " kind=" + kind);
        }
        // hides the region from validators while its identity is rewritten
        Le.U64_HANDLE.setRelease(region, RegionHeaderDescriptor.MAGIC_OFFSET, 0L);
        region.set(Le.U64, RegionHeaderDescriptor.GENERATION_OFFSET, identity.generation());
        region.set(Le.U64, RegionHeaderDescriptor.LINK_ID_OFFSET, identity.linkId());
        RegionNames.write(region, RegionHeaderDescriptor.NAME0_OFFSET, identity.name0());
        RegionNames.write(region, RegionHeaderDescriptor.NAME1_OFFSET, identity.name1());
        // pairs with the acquire load of the magic in RegionValidator.validate
        Le.U64_HANDLE.setRelease(region, RegionHeaderDescriptor.MAGIC_OFFSET, RegionHeaderDescriptor.MAGIC);
    }

    private static void initializeRing(MemorySegment region, RingLayout ring) {
        long r = ring.ringOffset();
        region.asSlice(r, RingDescriptor.DESCRIPTORS_OFFSET).fill((byte) 0);
        region.set(Le.U32, r + RingDescriptor.COOKIE_OFFSET, RingDescriptor.COOKIE);
        region.set(Le.U16, r + RingDescriptor.FLAGS_OFFSET, (short) RingDescriptor.FLAG_MASK_INT);
        for (int slot = 0; slot < ring.ringSize(); slot++) {
            long d = r + RingDescriptor.descriptorOffset(slot);
            region.set(Le.U16, d + PacketDescriptorDescriptor.FLAGS_OFFSET, (short) 0);
            region.set(Le.U16, d + PacketDescriptorDescriptor.REGION_OFFSET, (short) 0);
            region.set(Le.U32, d + PacketDescriptorDescriptor.LENGTH_OFFSET, ring.bufferSize());
            region.set(Le.U32, d + PacketDescriptorDescriptor.DATA_OFFSET_OFFSET, (int) ring.bufferOffset(slot));
            region.set(Le.U32, d + PacketDescriptorDescriptor.METADATA_OFFSET, 0);
        }
    }
}
