package org.ovshighway.guest.jcstress;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RegionInitializer;
import org.ovshighway.guest.abi.RegionLayout;
import org.ovshighway.guest.abi.RingSpec;

/** A small initialised link region per test state: one ring of {@code 1 << log2} slots, 128-byte buffers. */
final class TestRings {
    static final int BUFFER_SIZE = 128;
    /** Frames are shorter than a buffer, so a stale pre-set descriptor (length 128) is recognisable. */
    static final int FRAME_LENGTH = 64;

    private TestRings() {
    }

    static RegionLayout layout(int log2) {
        return RegionLayout.compute(List.of(new RingSpec(0, 0, log2, BUFFER_SIZE)));
    }

    static MemorySegment region(RegionLayout layout) {
        MemorySegment region = Arena.ofAuto().allocate(layout.regionSize(), 4096);
        RegionInitializer.initialize(region, layout, RegionIdentity.link(1, 1, "a", "b"));
        return region;
    }
}
