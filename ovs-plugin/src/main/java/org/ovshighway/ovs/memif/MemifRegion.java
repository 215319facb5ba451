package org.ovshighway.ovs.memif;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The one region a ring port registers with OVS-DPDK: a file of {@code size} bytes holding
 * {@code c2sRingOffsets.size()} client-to-server and {@code s2cRingOffsets.size()}
 * server-to-client rings of 2^{@code log2RingSize} descriptors each, at the given offsets (from
 * the file start; the Highway header sits before them), with buffers somewhere in the same file.
 * The file's creator lays it out and writes the ring cookies; this record only describes it.
 *
 * @param file the region file (on hugetlbfs, /dev/shm or a configured directory)
 * @param size bytes the server maps (at most the file size)
 * @param log2RingSize log2 of every ring's descriptor count
 * @param c2sRingOffsets ring i of the client-to-server direction starts at element i
 * @param s2cRingOffsets ring i of the server-to-client direction starts at element i
 */
public record MemifRegion(Path file, long size, int log2RingSize, List<Long> c2sRingOffsets,
                          List<Long> s2cRingOffsets) {
    /** memif offsets are u32, and so is the mapping of any one region in DPDK. */
    public static final long MAX_SIZE = 0xFFFF_FFFFL;
    /** Rings per direction that a u16 ring index and DPDK's queue limit allow. */
    public static final int MAX_RINGS_PER_DIRECTION = 256;

    public MemifRegion {
        if (file == null) {
            throw new IllegalArgumentException("memif region file=null");
        }
        c2sRingOffsets = List.copyOf(c2sRingOffsets);
        s2cRingOffsets = List.copyOf(s2cRingOffsets);
        if (size <= 0 || size > MAX_SIZE) {
            throw new IllegalArgumentException("memif region size=" + size + " outside 1.." + MAX_SIZE + " file=" + file);
        }
        if (log2RingSize < 1 || log2RingSize > MemifRingDescriptor.MAX_LOG2_RING_SIZE) {
            throw new IllegalArgumentException("memif region log2RingSize=" + log2RingSize + " outside 1.."
                    + MemifRingDescriptor.MAX_LOG2_RING_SIZE + " file=" + file);
        }
        checkCount("c2s", c2sRingOffsets.size(), file);
        checkCount("s2c", s2cRingOffsets.size(), file);
        long footprint = MemifRingDescriptor.footprint(log2RingSize);
        List<long[]> spans = new ArrayList<>();
        for (int d = 0; d < 2; d++) {
            List<Long> offsets = d == 0 ? c2sRingOffsets : s2cRingOffsets;
            String direction = d == 0 ? "c2s" : "s2c";
            for (int i = 0; i < offsets.size(); i++) {
                long offset = offsets.get(i);
                if (offset < 0 || offset % MemifRingDescriptor.CACHE_LINE != 0 || offset + footprint > size) {
                    throw new IllegalArgumentException("memif ring " + direction + "[" + i + "] offset=" + offset
                            + " bytes=" + footprint + " must be 64-byte aligned and inside region size=" + size
                            + " file=" + file);
                }
                for (long[] other : spans) {
                    if (offset < other[1] && other[0] < offset + footprint) {
                        throw new IllegalArgumentException("memif ring " + direction + "[" + i + "] offset=" + offset
                                + " overlaps the ring at offset=" + other[0] + " file=" + file);
                    }
                }
                spans.add(new long[] {offset, offset + footprint});
            }
        }
    }

    private static void checkCount(String direction, int count, Path file) {
        if (count < 1 || count > MAX_RINGS_PER_DIRECTION) {
            throw new IllegalArgumentException("memif region " + direction + " rings=" + count + " outside 1.."
                    + MAX_RINGS_PER_DIRECTION + " file=" + file);
        }
    }

    /**
     * Checks the file as it is now: it exists, is at least {@code size} bytes, and every ring
     * starts with {@link MemifRingDescriptor#COOKIE} (the server would refuse CONNECT otherwise,
     * with only a log line on its side to say why).
     */
    public void verifyFile() throws MemifException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long actual = channel.size();
            if (actual < size) {
                throw new MemifException("memif region file=" + file + " bytes=" + actual + " smaller than size=" + size);
            }
            ByteBuffer cookie = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            for (int d = 0; d < 2; d++) {
                List<Long> offsets = d == 0 ? c2sRingOffsets : s2cRingOffsets;
                for (int i = 0; i < offsets.size(); i++) {
                    cookie.clear();
                    long at = offsets.get(i) + MemifRingDescriptor.COOKIE_OFFSET;
                    while (cookie.hasRemaining() && channel.read(cookie, at + cookie.position()) > 0) {
                        // positional reads until the 4 cookie bytes are in
                    }
                    int value = cookie.getInt(0);
                    if (value != MemifRingDescriptor.COOKIE) {
                        throw new MemifException("memif ring " + (d == 0 ? "c2s" : "s2c") + "[" + i + "] offset="
                                + offsets.get(i) + " cookie=0x" + Integer.toHexString(value) + " expected=0x"
                                + Integer.toHexString(MemifRingDescriptor.COOKIE) + " (ring not initialised) file=" + file);
                    }
                }
            }
        } catch (IOException e) {
            throw new MemifException("cannot read memif region file=" + file + ": " + e.getMessage(), e);
        }
    }

    /** Whether the file exists (a cheap check before {@link #verifyFile()}). */
    public boolean fileExists() {
        return Files.exists(file);
    }
}
