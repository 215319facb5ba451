package org.ovshighway.ovs.memif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.ovshighway.guest.abi.RegionLayout;
import org.ovshighway.guest.abi.RingSpec;
import org.ovshighway.guest.abi.RingTableEntryDescriptor;

class MemifRegionsTest {
    private static final Path FILE = Path.of("/dev/shm/hw-port");

    @Test
    void portLayoutBecomesTwoRingsEachWay() {
        RegionLayout layout = RegionLayout.port(2);
        MemifRegion region = MemifRegions.fromLayout(FILE, layout);
        assertEquals(layout.regionSize(), region.size());
        assertEquals(layout.ring(0).log2RingSize(), region.log2RingSize());
        assertEquals(List.of(layout.find(0, 0).ringOffset(), layout.find(0, 1).ringOffset()), region.c2sRingOffsets());
        assertEquals(List.of(layout.find(1, 0).ringOffset(), layout.find(1, 1).ringOffset()), region.s2cRingOffsets());
    }

    @Test
    void aGapInQueueIndicesIsRefusedNamingTheFile() {
        RegionLayout layout = RegionLayout.compute(List.of(RingSpec.of(RingTableEntryDescriptor.DIRECTION_0, 0),
                RingSpec.of(RingTableEntryDescriptor.DIRECTION_1, 1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MemifRegions.fromLayout(FILE, layout));
        assertTrue(e.getMessage().contains("file=" + FILE) && e.getMessage().contains("direction=1"), e.getMessage());
    }
}
