package org.ovshighway.ovs.memif;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A ring-port region file for tests, laid out the way a Highway region is (a header area
 * first, rings in memif format, then buffers, one file) and mapped with a plain FFM mmap. It
 * plays the guest: writes frames into C2S rings and hands buffers to, and reads frames from,
 * S2C rings, touching nothing but the mapped file.
 */
final class TestRegionFile implements AutoCloseable {
    static final int HEADER_BYTES = 4096;
    static final int BUFFER_BYTES = 2048;

    private static final VarHandle U16 = ValueLayout.JAVA_SHORT.varHandle();

    private final Path file;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment segment;
    private final MemifRegion region;
    private final List<Ring> c2s = new ArrayList<>();
    private final List<Ring> s2c = new ArrayList<>();

    TestRegionFile(Path file, int ringsPerDirection, int log2RingSize) throws IOException {
        this.file = file;
        int ringSize = 1 << log2RingSize;
        long ringBytes = (MemifRingDescriptor.footprint(log2RingSize) + 63) & ~63L;
        long buffersAt = HEADER_BYTES + 2L * ringsPerDirection * ringBytes;
        long size = buffersAt + 2L * ringsPerDirection * ringSize * BUFFER_BYTES;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            channel.truncate(size);
            channel.write(java.nio.ByteBuffer.allocate(1), size - 1);
            segment = channel.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
        }
        List<Long> c2sOffsets = new ArrayList<>();
        List<Long> s2cOffsets = new ArrayList<>();
        for (int r = 0; r < 2 * ringsPerDirection; r++) {
            long offset = HEADER_BYTES + r * ringBytes;
            Ring ring = new Ring(offset, log2RingSize, buffersAt + (long) r * ringSize * BUFFER_BYTES);
            if (r < ringsPerDirection) {
                c2s.add(ring);
                c2sOffsets.add(offset);
            } else {
                s2c.add(ring);
                s2cOffsets.add(offset);
            }
        }
        region = new MemifRegion(file, size, log2RingSize, c2sOffsets, s2cOffsets);
    }

    MemifRegion region() {
        return region;
    }

    Ring c2s(int index) {
        return c2s.get(index);
    }

    Ring s2c(int index) {
        return s2c.get(index);
    }

    /** After a (re)connect the server zeroed head and tail: forget the local cursors. */
    void resetCursors() {
        c2s.forEach(Ring::resetCursor);
        s2c.forEach(Ring::resetCursor);
    }

    @Override
    public void close() throws IOException {
        arena.close();
        Files.deleteIfExists(file);
    }

    /** One memif ring of the region, driven from the client (guest) side. */
    final class Ring {
        private final long offset;
        private final int mask;
        private final int size;
        private final long buffers;
        /** S2C: the next slot the server filled that we have not read yet. */
        private int lastTail;

        Ring(long offset, int log2RingSize, long buffers) {
            this.offset = offset;
            this.size = 1 << log2RingSize;
            this.mask = size - 1;
            this.buffers = buffers;
            segment.set(ValueLayout.JAVA_INT, offset + MemifRingDescriptor.COOKIE_OFFSET, MemifRingDescriptor.COOKIE);
        }

        void resetCursor() {
            lastTail = 0;
        }

        /** C2S: puts one frame on the ring; false when the ring is full. */
        boolean send(byte[] frame) {
            int head = Short.toUnsignedInt(segment.get(ValueLayout.JAVA_SHORT, offset + MemifRingDescriptor.HEAD_OFFSET));
            // Pairs with the server's release store of tail after it copied the frames out.
            int tail = Short.toUnsignedInt((short) U16.getAcquire(segment, offset + MemifRingDescriptor.TAIL_OFFSET));
            if (((head - tail) & 0xFFFF) >= size) {
                return false;
            }
            int slot = head & mask;
            long buffer = buffers + (long) slot * BUFFER_BYTES;
            MemorySegment.copy(frame, 0, segment, ValueLayout.JAVA_BYTE, buffer, frame.length);
            writeDescriptor(slot, frame.length, buffer);
            // Publishes descriptor and frame; pairs with the server's acquire load of head.
            U16.setRelease(segment, offset + MemifRingDescriptor.HEAD_OFFSET, (short) (head + 1));
            return true;
        }

        /** S2C: hands every free buffer to the server (it sends nothing until we do). */
        void refill() {
            int head = Short.toUnsignedInt(segment.get(ValueLayout.JAVA_SHORT, offset + MemifRingDescriptor.HEAD_OFFSET));
            int handed = 0;
            while (((head + handed - lastTail) & 0xFFFF) < size) {
                int slot = (head + handed) & mask;
                writeDescriptor(slot, BUFFER_BYTES, buffers + (long) slot * BUFFER_BYTES);
                handed++;
            }
            if (handed > 0) {
                // Publishes the descriptors; pairs with the server's acquire load of head.
                U16.setRelease(segment, offset + MemifRingDescriptor.HEAD_OFFSET, (short) (head + handed));
            }
        }

        /** S2C: the frames the server wrote since the last call; then refills. */
        List<byte[]> receive() {
            // Pairs with the server's release store of tail after it wrote the frames.
            int tail = Short.toUnsignedInt((short) U16.getAcquire(segment, offset + MemifRingDescriptor.TAIL_OFFSET));
            List<byte[]> frames = new ArrayList<>();
            while (lastTail != tail) {
                long desc = offset + MemifRingDescriptor.descriptorOffset(lastTail & mask);
                int length = segment.get(ValueLayout.JAVA_INT_UNALIGNED, desc + MemifBufferDescriptor.LENGTH_OFFSET);
                long at = Integer.toUnsignedLong(
                        segment.get(ValueLayout.JAVA_INT_UNALIGNED, desc + MemifBufferDescriptor.BUFFER_OFFSET_OFFSET));
                long slotBuffer = buffers + (long) (lastTail & mask) * BUFFER_BYTES;
                if (at != slotBuffer || length < 0 || length > BUFFER_BYTES) {
                    throw new IllegalStateException("server wrote a bad descriptor: slot=" + (lastTail & mask)
                            + " offset=" + at + " length=" + length);
                }
                frames.add(segment.asSlice(at, length).toArray(ValueLayout.JAVA_BYTE));
                lastTail = (lastTail + 1) & 0xFFFF;
            }
            refill();
            return frames;
        }

        private void writeDescriptor(int slot, int length, long buffer) {
            long desc = offset + MemifRingDescriptor.descriptorOffset(slot);
            segment.set(ValueLayout.JAVA_SHORT_UNALIGNED, desc + MemifBufferDescriptor.FLAGS_OFFSET, (short) 0);
            segment.set(ValueLayout.JAVA_SHORT_UNALIGNED, desc + MemifBufferDescriptor.REGION_OFFSET, (short) 0);
            segment.set(ValueLayout.JAVA_INT_UNALIGNED, desc + MemifBufferDescriptor.LENGTH_OFFSET, length);
            segment.set(ValueLayout.JAVA_INT_UNALIGNED, desc + MemifBufferDescriptor.BUFFER_OFFSET_OFFSET, (int) buffer);
        }
    }
}
