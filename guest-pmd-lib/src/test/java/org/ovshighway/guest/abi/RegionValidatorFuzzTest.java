package org.ovshighway.guest.abi;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random corruption of a valid header: validation either rejects it with a
 * RegionFormatException or accepts a layout that lies entirely inside the mapped region.
 * No other exception, ever.
 */
class RegionValidatorFuzzTest {
    @Test
    void randomHeaderCorruptionIsRejectedOrHarmless() {
        RegionLayout layout = RegionLayout.link(true);
        SplittableRandom random = new SplittableRandom(7);
        int rejected = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment region = arena.allocate(layout.regionSize(), 4096);
            for (int round = 0; round < 3000; round++) {
                RegionInitializer.initialize(region, layout, RegionIdentity.link(1, 1, "a", "b"));
                int changes = 1 + random.nextInt(4);
                for (int c = 0; c < changes; c++) {
                    long at = random.nextLong(layout.headerSize());
                    region.set(Le.U8, at, (byte) random.nextInt());
                }
                try {
                    ValidatedRegion v = RegionValidator.validate(region);
                    for (RingLayout r : v.layout().rings()) {
                        assertTrue(r.ringOffset() >= v.layout().headerSize() && r.ringEnd() <= region.byteSize(), r.toString());
                        assertTrue(r.bufferAreaOffset() >= v.layout().headerSize()
                                && r.bufferAreaEnd() <= region.byteSize(), r.toString());
                        assertTrue(r.bufferCount() >= r.ringSize(), r.toString());
                    }
                } catch (RegionFormatException e) {
                    rejected++;
                } catch (RuntimeException e) {
                    fail("validator threw something other than RegionFormatException in round " + round, e);
                }
            }
        }
        assertTrue(rejected > 100, "corruption was almost never detected: rejected=" + rejected);
    }
}
