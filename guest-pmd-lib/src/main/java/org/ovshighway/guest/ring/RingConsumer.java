package org.ovshighway.guest.ring;

import java.lang.foreign.MemorySegment;
import org.ovshighway.guest.abi.Le;
import org.ovshighway.guest.abi.PacketDescriptorDescriptor;
import org.ovshighway.guest.abi.RingCountersDescriptor;
import org.ovshighway.guest.abi.RingDescriptor;
import org.ovshighway.guest.abi.RingLayout;

/**
 * The receiving end of one link ring (memif S2M semantics: the producer owns the buffers).
 * Single-threaded: one thread calls {@link #receive} and {@link #release}.
 *
 * <p>Invariants: {@code tail} is this side's own index, never read back from shared memory;
 * {@code cachedHead} is the last head seen that was at most a ring ahead of {@code tail}, so
 * {@code (cachedHead - tail) & 0xffff <= size} always. Every descriptor is read once into local
 * variables and checked against this ring's private buffer-area bounds before an offset is
 * handed out, so nothing outside the buffer area is ever exposed.
 */
public final class RingConsumer {
    private static final long DESC_WORD1 = PacketDescriptorDescriptor.WORD1_OFFSET;
    private static final long INVALID_DESCRIPTORS = RingCountersDescriptor.INVALID_DESCRIPTORS_IN_LINE;
    private static final long INVALID_INDICES = RingCountersDescriptor.INVALID_INDICES_IN_LINE;

    private final MemorySegment region;
    private final long headOffset;
    private final long tailOffset;
    private final long descriptors;
    private final int size;
    private final int mask;
    private final long bufferLow;
    private final long bufferHigh;
    private final long countersLine;

    private int tail;
    private int releasedTail;
    private int cachedHead;

    private long packets;
    private long bytes;
    private long invalidDescriptors;
    private long invalidIndices;

    /**
     * Consumer of {@code ring} in {@code region}. The layout must come from
     * {@link org.ovshighway.guest.abi.RegionValidator} or {@link org.ovshighway.guest.abi.RegionLayout}
     * (a private, validated copy). Starts from the ring's current tail, so a consumer re-created
     * on a live ring carries on where the previous one stopped. The counters restart from the
     * values in the counter line.
     */
    public RingConsumer(MemorySegment region, RingLayout ring) {
        this.region = region;
        this.headOffset = ring.ringOffset() + RingDescriptor.HEAD_OFFSET;
        this.tailOffset = ring.ringOffset() + RingDescriptor.TAIL_OFFSET;
        this.descriptors = ring.ringOffset() + RingDescriptor.DESCRIPTORS_OFFSET;
        this.size = ring.ringSize();
        this.mask = size - 1;
        this.bufferLow = ring.bufferAreaOffset();
        this.bufferHigh = ring.bufferAreaEnd();
        this.countersLine = ring.consumerCountersOffset();
        if (region.byteSize() < Math.max(ring.ringEnd(), bufferHigh)) {
            throw new IllegalArgumentException("ring outside the segment: segmentSize=" + region.byteSize()
                    + " ringEnd=" + ring.ringEnd() + " bufferAreaEnd=" + bufferHigh);
        }
        this.tail = RingIndices.acquireTail(region, tailOffset);
        this.releasedTail = tail;
        this.cachedHead = tail;
        this.packets = SharedCounters.acquire(region, countersLine + RingCountersDescriptor.PACKETS_IN_LINE);
        this.bytes = SharedCounters.acquire(region, countersLine + RingCountersDescriptor.BYTES_IN_LINE);
        this.invalidDescriptors = SharedCounters.acquire(region, countersLine + INVALID_DESCRIPTORS);
        this.invalidIndices = SharedCounters.acquire(region, countersLine + INVALID_INDICES);
    }

    /**
     * Receives up to {@code max} packets: their data offsets (from the region start) and
     * lengths go to {@code offsets[0..n)} and {@code lengths[0..n)}. First hands the buffers of
     * the previous call back to the producer. Never blocks; returns 0 when nothing valid is
     * waiting. Invalid descriptors are skipped and counted.
     *
     * @return number of valid packets, 0..max
     */
    public int receive(long[] offsets, int[] lengths, int max) {
        int t = tail;
        release();
        int available = (cachedHead - t) & 0xffff;
        if (available == 0) {
            int head = RingIndices.acquireHead(region, headOffset);
            available = (head - t) & 0xffff;
            if (available == 0) {
                return 0;
            }
            if (available > size) {
                invalidIndices++;
                SharedCounters.release(region, countersLine + INVALID_INDICES, invalidIndices);
                return 0;
            }
            cachedHead = head;
        }
        int n = Math.min(available, Math.min(max, Math.min(offsets.length, lengths.length)));
        int valid = 0;
        long burstBytes = 0;
        final MemorySegment r = region;
        final long low = bufferLow;
        final long high = bufferHigh;
        for (int i = 0; i < n; i++) {
            long d = descriptors + ((long) ((t + i) & mask) << 4);
            long word0 = r.get(Le.U64_UNALIGNED, d);
            long word1 = r.get(Le.U64_UNALIGNED, d + DESC_WORD1);
            long length = word0 >>> 32;
            long offset = word1 & 0xffffffffL;
            // flags and region (low 32 bits of word 0) must be 0; data inside this ring's buffers
            if ((int) word0 != 0 || offset < low || offset + length > high) {
                continue;
            }
            offsets[valid] = offset;
            lengths[valid] = (int) length;
            burstBytes += length;
            valid++;
        }
        tail = (t + n) & 0xffff;
        if (n != 0) {
            publishCounters(valid, burstBytes, n - valid);
        }
        return valid;
    }

    /**
     * Whether nothing is waiting: every packet the producer published (its head, an acquire) was
     * received. A head outside the ring counts as not empty ({@link #receive} then counts it).
     */
    public boolean isEmpty() {
        if (((cachedHead - tail) & 0xffff) != 0) {
            return false;
        }
        // pairs with the producer's release of head
        return ((RingIndices.acquireHead(region, headOffset) - tail) & 0xffff) == 0;
    }

    /**
     * Hands the buffers of everything received so far back to the producer (release of tail).
     * {@link #receive} does this itself; call it when the application is done with its views
     * and will not call {@code receive} again soon.
     */
    public void release() {
        int t = tail;
        if (t != releasedTail) {
            RingIndices.releaseTail(region, tailOffset, t);
            releasedTail = t;
        }
    }

    private void publishCounters(int valid, long burstBytes, int invalid) {
        packets += valid;
        bytes += burstBytes;
        SharedCounters.release(region, countersLine + RingCountersDescriptor.PACKETS_IN_LINE, packets);
        SharedCounters.release(region, countersLine + RingCountersDescriptor.BYTES_IN_LINE, bytes);
        if (invalid != 0) {
            invalidDescriptors += invalid;
            SharedCounters.release(region, countersLine + INVALID_DESCRIPTORS, invalidDescriptors);
        }
    }

    /** Valid packets received (private count; the counter line lags by at most one burst). */
    public long packets() {
        return packets;
    }

    /** Bytes received. */
    public long bytes() {
        return bytes;
    }

    /** Descriptors dropped as invalid. */
    public long invalidDescriptors() {
        return invalidDescriptors;
    }

    /** Times head was seen more than a ring ahead of tail. */
    public long invalidIndices() {
        return invalidIndices;
    }

    /** Ring size in slots. */
    public int size() {
        return size;
    }

    /** The region this ring is in (packet offsets are relative to it). */
    public MemorySegment region() {
        return region;
    }
}
