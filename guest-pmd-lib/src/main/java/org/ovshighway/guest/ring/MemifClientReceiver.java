package org.ovshighway.guest.ring;

import java.lang.foreign.MemorySegment;
import org.ovshighway.guest.abi.Le;
import org.ovshighway.guest.abi.PacketDescriptorDescriptor;
import org.ovshighway.guest.abi.RingCountersDescriptor;
import org.ovshighway.guest.abi.RingDescriptor;
import org.ovshighway.guest.abi.RingLayout;

/**
 * The guest's end of a ring port's S2C ring (switch to guest), as a memif client receives: the
 * guest owns the buffers and hands empty ones to the switch by advancing head; the switch
 * (OVS-DPDK's net_memif server) writes packets into them, sets their lengths and advances tail.
 * Single-threaded.
 *
 * <p>Private state: {@code head} (own: buffers handed out up to here), {@code next} (next slot
 * to read). Invariant: {@code (head - next) & 0xffff <= size}; a tail outside
 * {@code [next, head]} is counted as an invalid index and yields nothing. Descriptors are
 * checked as in {@link RingConsumer}.
 */
public final class MemifClientReceiver {
    private static final long DESC_WORD1 = PacketDescriptorDescriptor.WORD1_OFFSET;
    private static final long INVALID_DESCRIPTORS = RingCountersDescriptor.INVALID_DESCRIPTORS_IN_LINE;
    private static final long INVALID_INDICES = RingCountersDescriptor.INVALID_INDICES_IN_LINE;

    private final MemorySegment region;
    private final long headOffset;
    private final long tailOffset;
    private final long descriptors;
    private final int size;
    private final int mask;
    private final long bufferArea;
    private final int bufferSize;
    private final long bufferHigh;
    private final long countersLine;

    private int head;
    private int next;
    private int cachedTail;

    private long packets;
    private long bytes;
    private long invalidDescriptors;
    private long invalidIndices;

    /**
     * Receiver of S2C ring {@code ring}; adopts the ring's head and tail (slots filled but not
     * yet read by a previous receiver are skipped, never delivered twice).
     */
    public MemifClientReceiver(MemorySegment region, RingLayout ring) {
        this.region = region;
        this.headOffset = ring.ringOffset() + RingDescriptor.HEAD_OFFSET;
        this.tailOffset = ring.ringOffset() + RingDescriptor.TAIL_OFFSET;
        this.descriptors = ring.ringOffset() + RingDescriptor.DESCRIPTORS_OFFSET;
        this.size = ring.ringSize();
        this.mask = size - 1;
        this.bufferArea = ring.bufferAreaOffset();
        this.bufferSize = ring.bufferSize();
        this.bufferHigh = ring.bufferAreaEnd();
        this.countersLine = ring.consumerCountersOffset();
        if (region.byteSize() < Math.max(ring.ringEnd(), bufferHigh) || ring.bufferCount() < size) {
            throw new IllegalArgumentException("ring outside the segment or too few buffers: segmentSize="
                    + region.byteSize() + " ringEnd=" + ring.ringEnd() + " bufferAreaEnd=" + bufferHigh
                    + " bufferCount=" + ring.bufferCount() + " ringSize=" + size);
        }
        this.head = (short) Le.U16_HANDLE.getOpaque(region, headOffset) & 0xffff;
        int tail = RingIndices.acquireTail(region, tailOffset);
        this.next = ((head - tail) & 0xffff) <= size ? tail : head;
        this.cachedTail = next;
        this.packets = SharedCounters.acquire(region, countersLine + RingCountersDescriptor.PACKETS_IN_LINE);
        this.bytes = SharedCounters.acquire(region, countersLine + RingCountersDescriptor.BYTES_IN_LINE);
        this.invalidDescriptors = SharedCounters.acquire(region, countersLine + INVALID_DESCRIPTORS);
        this.invalidIndices = SharedCounters.acquire(region, countersLine + INVALID_INDICES);
    }

    /**
     * Gives every slot read so far back to the switch (fresh descriptor: own buffer, full
     * length) and publishes head. {@link #receive} does this first.
     */
    public void refill() {
        int target = (next + size) & 0xffff;
        int h = head;
        if (h == target) {
            return;
        }
        final MemorySegment r = region;
        while (h != target) {
            int slot = h & mask;
            long d = descriptors + ((long) slot << 4);
            r.set(Le.U64_UNALIGNED, d, (long) bufferSize << 32);
            r.set(Le.U64_UNALIGNED, d + DESC_WORD1, bufferArea + (long) slot * bufferSize);
            h = (h + 1) & 0xffff;
        }
        head = h;
        // pairs with the switch's acquire of head: the fresh descriptors are visible with it
        RingIndices.releaseHead(region, headOffset, h);
    }

    /**
     * Receives up to {@code max} packets into {@code offsets}/{@code lengths}, after handing the
     * buffers of the previous call back. Never blocks.
     *
     * @return valid packets, 0..max
     */
    public int receive(long[] offsets, int[] lengths, int max) {
        refill();
        if (((cachedTail - next) & 0xffff) == 0) {
            observe();
        }
        return take(offsets, lengths, max);
    }

    /**
     * Looks at the switch's tail now (an acquire): the packets it published so far become the
     * ones {@link #receiveObserved} may return. The remap protocol uses this to take only packets
     * that were in the ring before it read another word.
     */
    public void observe() {
        int tail = RingIndices.acquireTail(region, tailOffset);
        int available = (tail - next) & 0xffff;
        if (available > ((head - next) & 0xffff)) {
            invalidIndices++;
            SharedCounters.release(region, countersLine + INVALID_INDICES, invalidIndices);
            return;
        }
        cachedTail = tail;
    }

    /**
     * Like {@link #receive}, but only packets the last {@link #observe} (or receive) saw
     * published; never looks at the switch's tail.
     */
    public int receiveObserved(long[] offsets, int[] lengths, int max) {
        refill();
        return take(offsets, lengths, max);
    }

    /** Takes up to {@code max} of the packets between next and the cached tail. */
    private int take(long[] offsets, int[] lengths, int max) {
        int n0 = next;
        int available = (cachedTail - n0) & 0xffff;
        if (available == 0) {
            return 0;
        }
        int n = Math.min(available, Math.min(max, Math.min(offsets.length, lengths.length)));
        int valid = 0;
        long burstBytes = 0;
        final MemorySegment r = region;
        for (int i = 0; i < n; i++) {
            long d = descriptors + ((long) ((n0 + i) & mask) << 4);
            long word0 = r.get(Le.U64_UNALIGNED, d);
            long word1 = r.get(Le.U64_UNALIGNED, d + DESC_WORD1);
            long length = word0 >>> 32;
            long offset = word1 & 0xffffffffL;
            // flags (no chaining) and region must be 0; data inside this ring's buffers
            if ((int) word0 != 0 || offset < bufferArea || offset + length > bufferHigh) {
                continue;
            }
            offsets[valid] = offset;
            lengths[valid] = (int) length;
            burstBytes += length;
            valid++;
        }
        next = (n0 + n) & 0xffff;
        if (n != 0) {
            packets += valid;
            bytes += burstBytes;
            SharedCounters.release(region, countersLine + RingCountersDescriptor.PACKETS_IN_LINE, packets);
            SharedCounters.release(region, countersLine + RingCountersDescriptor.BYTES_IN_LINE, bytes);
            if (valid != n) {
                invalidDescriptors += n - valid;
                SharedCounters.release(region, countersLine + INVALID_DESCRIPTORS, invalidDescriptors);
            }
        }
        return valid;
    }

    /**
     * Packets the switch published that this receiver has not returned, for a ring whose switch
     * side has stopped for good (the memif connection ended: the switch resets the indices before
     * it serves the ring again, so these are lost). Exact while the shared head is still this
     * receiver's (no reset yet); after a reset, the count from the last tail this side saw.
     */
    public int unread() {
        int sharedHead = (short) Le.U16_HANDLE.getOpaque(region, headOffset) & 0xffff;
        // pairs with the switch's release of tail: the packets it published before it stopped
        int tail = RingIndices.acquireTail(region, tailOffset);
        int available = (tail - next) & 0xffff;
        if (sharedHead == head && available <= ((head - next) & 0xffff)) {
            return available;
        }
        return (cachedTail - next) & 0xffff;
    }

    /** The region the ring is in. */
    public MemorySegment region() {
        return region;
    }

    /** Valid packets received. */
    public long packets() {
        return packets;
    }

    /** Descriptors dropped as invalid. */
    public long invalidDescriptors() {
        return invalidDescriptors;
    }

    /** Times the switch's tail was nonsensical. */
    public long invalidIndices() {
        return invalidIndices;
    }
}
