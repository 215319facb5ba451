package org.ovshighway.guest.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Every header field, corrupted alone, is rejected with an exception naming that field. */
class RegionValidatorCorruptionTest {
    private static final RegionLayout LAYOUT = RegionLayout.link(true);
    private static final long E0 = RegionHeaderDescriptor.ringEntryOffset(0);
    private static final long E1 = RegionHeaderDescriptor.ringEntryOffset(1);

    static Stream<Arguments> corruptions() {
        return Stream.of(
                corrupt("magic", r -> r.set(Le.U64, RegionHeaderDescriptor.MAGIC_OFFSET, 0x1234L)),
                corrupt("versionMajor", r -> r.set(Le.U16, RegionHeaderDescriptor.VERSION_MAJOR_OFFSET, (short) 2)),
                corrupt("kind", r -> r.set(Le.U16, RegionHeaderDescriptor.KIND_OFFSET, (short) 3)),
                corrupt("ringCount", r -> r.set(Le.U16, RegionHeaderDescriptor.RING_COUNT_OFFSET, (short) 0)),
                corrupt("ringCount", r -> r.set(Le.U16, RegionHeaderDescriptor.RING_COUNT_OFFSET, (short) 3)),
                corrupt("headerSize", r -> r.set(Le.U32, RegionHeaderDescriptor.HEADER_SIZE_OFFSET, 64)),
                corrupt("regionSize", r -> r.set(Le.U64, RegionHeaderDescriptor.REGION_SIZE_OFFSET, LAYOUT.regionSize() * 2)),
                corrupt("regionSize", r -> r.set(Le.U64, RegionHeaderDescriptor.REGION_SIZE_OFFSET, -1L)),
                corrupt("regionSize", r -> r.set(Le.U64, RegionHeaderDescriptor.REGION_SIZE_OFFSET, 100L)),
                corrupt("generation", r -> r.set(Le.U64, RegionHeaderDescriptor.GENERATION_OFFSET, 0L)),
                corrupt("name0", r -> r.set(Le.U8, RegionHeaderDescriptor.NAME0_OFFSET, (byte) 0)),
                corrupt("name0", r -> r.set(Le.U8, RegionHeaderDescriptor.NAME0_OFFSET + 1, (byte) ' ')),
                corrupt("name1", r -> r.set(Le.U8, RegionHeaderDescriptor.NAME1_OFFSET + 31, (byte) 'x')),
                corrupt("name1", r -> r.set(Le.U8, RegionHeaderDescriptor.NAME1_OFFSET, (byte) 'a')),
                corrupt("ring[0].direction", r -> r.set(Le.U16, E0 + RingTableEntryDescriptor.DIRECTION_OFFSET, (short) 2)),
                corrupt("ring[1].queue", r -> r.set(Le.U16, E1 + RingTableEntryDescriptor.DIRECTION_OFFSET, (short) 0)),
                corrupt("ring[0].log2RingSize", r -> r.set(Le.U8, E0 + RingTableEntryDescriptor.LOG2_RING_SIZE_OFFSET, (byte) 15)),
                corrupt("ring[0].ringOffset", r -> r.set(Le.U64, E0 + RingTableEntryDescriptor.RING_OFFSET_OFFSET, 0L)),
                corrupt("ring[0].ringOffset", r -> r.set(Le.U64, E0 + RingTableEntryDescriptor.RING_OFFSET_OFFSET,
                        LAYOUT.ring(0).ringOffset() + 8)),
                corrupt("ring[0].ringOffset", r -> r.set(Le.U64, E0 + RingTableEntryDescriptor.RING_OFFSET_OFFSET,
                        LAYOUT.regionSize() - 64)),
                corrupt("ring[1].ringOffset", r -> r.set(Le.U64, E1 + RingTableEntryDescriptor.RING_OFFSET_OFFSET,
                        LAYOUT.ring(0).ringOffset())),
                corrupt("ring[0].bufferAreaOffset", r -> r.set(Le.U64, E0 + RingTableEntryDescriptor.BUFFER_AREA_OFFSET_OFFSET,
                        Long.MIN_VALUE)),
                corrupt("ring[0].bufferAreaOffset", r -> r.set(Le.U64, E0 + RingTableEntryDescriptor.BUFFER_AREA_OFFSET_OFFSET,
                        LAYOUT.regionSize() - 2048)),
                corrupt("ring[0].bufferAreaOffset", r -> r.set(Le.U64, E0 + RingTableEntryDescriptor.BUFFER_AREA_OFFSET_OFFSET,
                        LAYOUT.ring(0).ringOffset())),
                corrupt("ring[1].bufferAreaOffset", r -> r.set(Le.U64, E1 + RingTableEntryDescriptor.BUFFER_AREA_OFFSET_OFFSET,
                        LAYOUT.ring(0).bufferAreaOffset() + 64)),
                corrupt("ring[0].bufferSize", r -> r.set(Le.U32, E0 + RingTableEntryDescriptor.BUFFER_SIZE_OFFSET, 0)),
                corrupt("ring[0].bufferSize", r -> r.set(Le.U32, E0 + RingTableEntryDescriptor.BUFFER_SIZE_OFFSET, 100)),
                corrupt("ring[0].bufferSize", r -> r.set(Le.U32, E0 + RingTableEntryDescriptor.BUFFER_SIZE_OFFSET, -64)),
                corrupt("ring[0].bufferCount", r -> r.set(Le.U32, E0 + RingTableEntryDescriptor.BUFFER_COUNT_OFFSET, 1)),
                corrupt("ring[0].bufferCount", r -> r.set(Le.U32, E0 + RingTableEntryDescriptor.BUFFER_COUNT_OFFSET, -1)),
                corrupt("ring[0].countersOffset", r -> r.set(Le.U64, E0 + RingTableEntryDescriptor.COUNTERS_OFFSET_OFFSET, 0L)));
    }

    private static Arguments corrupt(String field, Consumer<MemorySegment> change) {
        return Arguments.of(field, change);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corruptions")
    void corruptFieldIsRejectedAndNamed(String field, Consumer<MemorySegment> change) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment region = fresh(arena, LAYOUT.regionSize());
            change.accept(region);
            RegionFormatException e = assertThrows(RegionFormatException.class, () -> RegionValidator.validate(region));
            assertEquals(field, e.field());
            assertTrue(e.getMessage().contains("field=" + field), e.getMessage());
            assertTrue(e.getMessage().contains("value="), e.getMessage());
        }
    }

    @Test
    void linkIdOnAPortRegionIsRejected() {
        RegionLayout layout = RegionLayout.port(1);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment region = arena.allocate(layout.regionSize(), 4096);
            RegionInitializer.initialize(region, layout, RegionIdentity.port(1, "p", "g"));
            region.set(Le.U64, RegionHeaderDescriptor.LINK_ID_OFFSET, 5L);
            assertEquals("linkId", assertThrows(RegionFormatException.class, () -> RegionValidator.validate(region)).field());
        }
    }

    @Test
    void mappingSmallerThanTheRegionIsRejected() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment region = fresh(arena, LAYOUT.regionSize());
            MemorySegment shortMapping = region.asSlice(0, LAYOUT.regionSize() / 2);
            assertEquals("regionSize",
                    assertThrows(RegionFormatException.class, () -> RegionValidator.validate(shortMapping)).field());
            MemorySegment tiny = region.asSlice(0, 100);
            assertEquals("mappedSize", assertThrows(RegionFormatException.class, () -> RegionValidator.validate(tiny)).field());
        }
    }

    private static MemorySegment fresh(Arena arena, long size) {
        MemorySegment region = arena.allocate(size, 4096);
        RegionInitializer.initialize(region, LAYOUT, RegionIdentity.link(1, 1, "a", "b"));
        return region;
    }
}
