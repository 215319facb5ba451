package org.ovshighway.ovs.memif;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.ovshighway.guest.abi.RegionLayout;
import org.ovshighway.guest.abi.RingLayout;
import org.ovshighway.guest.abi.RingTableEntryDescriptor;

/** Describes a Highway ring-port region to the memif control protocol. */
public final class MemifRegions {
    private MemifRegions() {
    }

    /**
     * The memif region of ring-port region {@code file} laid out as {@code layout}: the whole
     * file is memif region 0; direction 0 rings are the C2S rings and direction 1 rings the S2C
     * rings, each list ordered by queue index, which must run 0..n-1 in each direction.
     *
     * @throws IllegalArgumentException naming the file and ring when the layout cannot be
     *         registered as it is (rings of different sizes, a missing queue index)
     */
    public static MemifRegion fromLayout(Path file, RegionLayout layout) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(layout, "layout");
        List<Long> c2s = ringOffsets(file, layout, RingTableEntryDescriptor.DIRECTION_0);
        List<Long> s2c = ringOffsets(file, layout, RingTableEntryDescriptor.DIRECTION_1);
        int log2 = layout.ring(0).log2RingSize();
        for (RingLayout ring : layout.rings()) {
            if (ring.log2RingSize() != log2) {
                throw new IllegalArgumentException("memif needs one ring size per region: file=" + file + " ring["
                        + ring.index() + "].log2RingSize=" + ring.log2RingSize() + " ring[0].log2RingSize=" + log2);
            }
        }
        return new MemifRegion(file, layout.regionSize(), log2, c2s, s2c);
    }

    private static List<Long> ringOffsets(Path file, RegionLayout layout, int direction) {
        List<Long> offsets = new ArrayList<>();
        for (int queue = 0; ; queue++) {
            RingLayout ring = layout.find(direction, queue);
            if (ring == null) {
                break;
            }
            offsets.add(ring.ringOffset());
        }
        long total = layout.rings().stream().filter(r -> r.direction() == direction).count();
        if (total != offsets.size()) {
            throw new IllegalArgumentException("memif ring indices must run 0..n-1: file=" + file + " direction="
                    + direction + " rings=" + total + " consecutive from queue 0=" + offsets.size());
        }
        return offsets;
    }
}
