package org.ovshighway.guest.ring;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.ovshighway.guest.abi.Le;
import org.ovshighway.guest.abi.PacketDescriptorDescriptor;
import org.ovshighway.guest.abi.RingCountersDescriptor;
import org.ovshighway.guest.abi.RingDescriptor;
import org.ovshighway.guest.abi.RingLayout;

/**
 * The transmitting end of one link ring (memif S2M semantics: the producer owns the buffers;
 * slot {@code i} always uses buffer {@code i & (size - 1)}). Single-threaded.
 *
 * <p>Two ways to send: {@link #reserve}/{@link #commit} lets the caller write packets straight
 * into the slot buffers ({@link #bufferOffset}); the {@code send} methods copy frames in. Either
 * way a burst is published by one release store of head.
 *
 * <p>Invariants: {@code head} is this side's own index, never read back from shared memory;
 * {@code cachedTail} is the last tail seen that was at most a ring behind {@code head}. A tail
 * that is not (a hostile or broken consumer) counts as an invalid index and makes the ring look
 * full: the producer never spins and never writes outside this ring's slots and buffers.
 */
public final class RingProducer {
    private static final long DESC_WORD1 = PacketDescriptorDescriptor.WORD1_OFFSET;
    private static final long RING_FULL_DROPS = RingCountersDescriptor.RING_FULL_DROPS_IN_LINE;
    private static final long INVALID_INDICES = RingCountersDescriptor.INVALID_INDICES_IN_LINE;

    private final MemorySegment region;
    private final long headOffset;
    private final long tailOffset;
    private final long descriptors;
    private final int size;
    private final int mask;
    private final long bufferArea;
    private final int bufferSize;
    private final long countersLine;

    private int head;
    private int cachedTail;
    private int reserved;

    private long packets;
    private long bytes;
    private long ringFullDrops;
    private long invalidIndices;

    /**
     * Producer of {@code ring} in {@code region}; the layout must be a validated private copy.
     * Starts from the ring's current head and tail (a producer re-created on a live ring carries
     * on), or from an empty ring when they are inconsistent.
     */
    public RingProducer(MemorySegment region, RingLayout ring) {
        this.region = region;
        this.headOffset = ring.ringOffset() + RingDescriptor.HEAD_OFFSET;
        this.tailOffset = ring.ringOffset() + RingDescriptor.TAIL_OFFSET;
        this.descriptors = ring.ringOffset() + RingDescriptor.DESCRIPTORS_OFFSET;
        this.size = ring.ringSize();
        this.mask = size - 1;
        this.bufferArea = ring.bufferAreaOffset();
        this.bufferSize = ring.bufferSize();
        this.countersLine = ring.producerCountersOffset();
        if (region.byteSize() < Math.max(ring.ringEnd(), ring.bufferAreaOffset() + (long) bufferSize * size)) {
            throw new IllegalArgumentException("ring outside the segment: segmentSize=" + region.byteSize()
                    + " ringEnd=" + ring.ringEnd() + " bufferAreaEnd=" + ring.bufferAreaEnd());
        }
        if (ring.bufferCount() < size) {
            throw new IllegalArgumentException("fewer buffers than slots: bufferCount=" + ring.bufferCount()
                    + " ringSize=" + size);
        }
        // our own head is ours to trust: we (or a previous producer of this end) wrote it
        this.head = (short) Le.U16_HANDLE.getOpaque(region, headOffset) & 0xffff;
        // assume full until the tail is read: a re-created producer must not overwrite unconsumed slots
        this.cachedTail = (head - size) & 0xffff;
        this.packets = SharedCounters.acquire(region, countersLine + RingCountersDescriptor.PACKETS_IN_LINE);
        this.bytes = SharedCounters.acquire(region, countersLine + RingCountersDescriptor.BYTES_IN_LINE);
        this.ringFullDrops = SharedCounters.acquire(region, countersLine + RING_FULL_DROPS);
        this.invalidIndices = SharedCounters.acquire(region, countersLine + INVALID_INDICES);
    }

    /**
     * Free slots, looking at the shared tail only when the cached one says fewer than
     * {@code wanted} are free.
     */
    public int freeSlots(int wanted) {
        int free = size - ((head - cachedTail) & 0xffff);
        if (free >= wanted) {
            return free;
        }
        int tail = RingIndices.acquireTail(region, tailOffset);
        int used = (head - tail) & 0xffff;
        if (used > size) {
            invalidIndices++;
            SharedCounters.release(region, countersLine + INVALID_INDICES, invalidIndices);
            return 0;
        }
        cachedTail = tail;
        return size - used;
    }

    /**
     * Reserves up to {@code count} slots starting at {@link #head()}; write packet {@code k}
     * into {@link #bufferOffset(int) bufferOffset(k)} (at most {@link #bufferSize()} bytes), then
     * {@link #commit} them. Slots asked for but not granted count as ring-full drops.
     *
     * @return slots reserved, 0..count
     */
    public int reserve(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0: count=" + count);
        }
        int n = Math.min(count, freeSlots(count));
        if (n < count) {
            countRingFull(count - n);
        }
        reserved = n;
        return n;
    }

    /** Region offset of the buffer of reserved slot {@code k} (0 = first slot of the reservation). */
    public long bufferOffset(int k) {
        return bufferArea + (long) ((head + k) & mask) * bufferSize;
    }

    /**
     * Publishes the first {@code count} reserved slots with lengths {@code lengths[0..count)};
     * any further reserved slots are given up.
     */
    public void commit(int[] lengths, int count) {
        if (count < 0 || count > reserved) {
            throw commitOutOfRange(count);
        }
        final MemorySegment r = region;
        final int h = head;
        final int limit = bufferSize;
        long burstBytes = 0;
        for (int k = 0; k < count; k++) {
            int length = lengths[k];
            // one unsigned compare: negative lengths wrap to huge values
            if (Integer.compareUnsigned(length, limit) > 0) {
                throw lengthOutOfRange(k, length);
            }
            writeDescriptor(r, (h + k) & mask, length);
            burstBytes += length;
        }
        reserved = 0;
        publish(h, count, burstBytes);
    }

    private IllegalArgumentException commitOutOfRange(int count) {
        return new IllegalArgumentException("commit more than reserved: count=" + count + " reserved=" + reserved);
    }

    private IllegalArgumentException lengthOutOfRange(int slot, int length) {
        return new IllegalArgumentException("packet length out of range: slot=" + slot + " length=" + length
                + " bufferSize=" + bufferSize);
    }

    /**
     * Copies {@code frames[0..count)} (each whole, at most {@link #bufferSize()} bytes) into the
     * ring and publishes them as one burst.
     *
     * @return frames sent; the rest did not fit (counted as ring-full drops)
     */
    public int send(MemorySegment[] frames, int count) {
        int n = Math.min(count, freeSlots(count));
        final MemorySegment r = region;
        final int h = head;
        long burstBytes = 0;
        for (int k = 0; k < n; k++) {
            MemorySegment frame = frames[k];
            long length = frame.byteSize();
            checkLength(k, length);
            int slot = (h + k) & mask;
            MemorySegment.copy(frame, 0, r, bufferArea + (long) slot * bufferSize, length);
            writeDescriptor(r, slot, (int) length);
            burstBytes += length;
        }
        finishSend(h, n, count, burstBytes);
        return n;
    }

    /** As {@link #send(MemorySegment[], int)} for frames held in byte arrays (whole arrays). */
    public int send(byte[][] frames, int count) {
        int n = Math.min(count, freeSlots(count));
        final MemorySegment r = region;
        final int h = head;
        long burstBytes = 0;
        for (int k = 0; k < n; k++) {
            byte[] frame = frames[k];
            checkLength(k, frame.length);
            int slot = (h + k) & mask;
            MemorySegment.copy(frame, 0, r, ValueLayout.JAVA_BYTE, bufferArea + (long) slot * bufferSize, frame.length);
            writeDescriptor(r, slot, frame.length);
            burstBytes += frame.length;
        }
        finishSend(h, n, count, burstBytes);
        return n;
    }

    /**
     * Copies {@code count} packets that lie in {@code source} at {@code offsets[k]} with
     * {@code lengths[k]} (e.g. a received burst of another ring) and publishes them.
     *
     * @return packets sent; the rest did not fit (counted as ring-full drops)
     */
    public int send(MemorySegment source, long[] offsets, int[] lengths, int count) {
        int n = Math.min(count, freeSlots(count));
        final MemorySegment r = region;
        final int h = head;
        long burstBytes = 0;
        for (int k = 0; k < n; k++) {
            int length = lengths[k];
            checkLength(k, length);
            int slot = (h + k) & mask;
            MemorySegment.copy(source, offsets[k], r, bufferArea + (long) slot * bufferSize, length);
            writeDescriptor(r, slot, length);
            burstBytes += length;
        }
        finishSend(h, n, count, burstBytes);
        return n;
    }

    /**
     * Word 0: flags 0, region 0, length; word 1: offset of the slot's own buffer, metadata 0. A
     * word that already holds its value (this producer wrote it a lap ago: word 1 always, word 0
     * when the length repeats) is not stored again, so the descriptor line stays shared in both
     * cores' caches instead of moving here and back for every lap. The consumer still sees the
     * value: this thread wrote it before an earlier release of head, which the consumer's acquire
     * of a later head follows. A value a faulty peer wrote there is read here and overwritten.
     */
    private void writeDescriptor(MemorySegment r, int slot, int length) {
        long d = descriptors + ((long) slot << 4);
        long word0 = (long) length << 32;
        long word1 = bufferArea + (long) slot * bufferSize;
        if (r.get(Le.U64_UNALIGNED, d) != word0) {
            r.set(Le.U64_UNALIGNED, d, word0);
        }
        if (r.get(Le.U64_UNALIGNED, d + DESC_WORD1) != word1) {
            r.set(Le.U64_UNALIGNED, d + DESC_WORD1, word1);
        }
    }

    private void finishSend(int h, int n, int count, long burstBytes) {
        if (n < count) {
            countRingFull(count - n);
        }
        publish(h, n, burstBytes);
    }

    private void publish(int h, int n, long burstBytes) {
        if (n == 0) {
            return;
        }
        head = (h + n) & 0xffff;
        RingIndices.releaseHead(region, headOffset, head);
        packets += n;
        bytes += burstBytes;
        SharedCounters.release(region, countersLine + RingCountersDescriptor.PACKETS_IN_LINE, packets);
        SharedCounters.release(region, countersLine + RingCountersDescriptor.BYTES_IN_LINE, bytes);
    }

    private void countRingFull(int refused) {
        ringFullDrops += refused;
        SharedCounters.release(region, countersLine + RING_FULL_DROPS, ringFullDrops);
    }

    private void checkLength(int k, long length) {
        if (length > bufferSize) {
            throw new IllegalArgumentException("frame larger than a ring buffer: frame=" + k + " length=" + length
                    + " bufferSize=" + bufferSize);
        }
    }

    /**
     * Published packets the consumer has not taken, for a ring whose consumer has stopped for good
     * (a ring port whose memif connection ended: the switch resets the indices before it serves
     * the ring again, so these are lost). Exact while the shared head is still this producer's (no
     * reset yet); after a reset, the count from the last tail this side saw (at most a ring; more
     * than were lost if the consumer took some since).
     */
    public int unconsumed() {
        int sharedHead = (short) Le.U16_HANDLE.getOpaque(region, headOffset) & 0xffff;
        // pairs with the consumer's release of tail: what it took before it stopped
        int tail = RingIndices.acquireTail(region, tailOffset);
        int used = (head - tail) & 0xffff;
        if (sharedHead == head && used <= size) {
            return used;
        }
        return (head - cachedTail) & 0xffff;
    }

    /** This side's head (0..65535). */
    public int head() {
        return head;
    }

    /** Region offset of slot 0's buffer (slot i's buffer is at this + i * bufferSize). */
    public long bufferAreaOffset() {
        return bufferArea;
    }

    /** Bytes per slot buffer: the largest packet. */
    public int bufferSize() {
        return bufferSize;
    }

    /** Ring size in slots. */
    public int size() {
        return size;
    }

    /** The region the ring is in. */
    public MemorySegment region() {
        return region;
    }

    /** Packets published. */
    public long packets() {
        return packets;
    }

    /** Bytes published. */
    public long bytes() {
        return bytes;
    }

    /** Packets refused because the ring was full. */
    public long ringFullDrops() {
        return ringFullDrops;
    }

    /** Times the shared tail was nonsensical. */
    public long invalidIndices() {
        return invalidIndices;
    }
}
