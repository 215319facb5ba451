package org.ovshighway.guest;

import java.lang.foreign.MemorySegment;

/**
 * A reusable batch of packets: filled by {@link GuestPort#rxBurst} with received packets, or by
 * {@link GuestPort#txReserve} with empty transmit buffers. Create one per polling thread and
 * reuse it; nothing is allocated per packet.
 *
 * <p>The packets are zero-copy views into shared memory. <b>Received packets stay valid only
 * until the next {@code rxBurst} (or {@code rxRelease}) on the same port</b>: then their
 * buffers go back to the sender, who overwrites them. Copy what must live longer.
 */
public final class PacketBurst {
    /** Default number of packets per burst. */
    public static final int DEFAULT_CAPACITY = 32;

    final long[] offsets;
    final int[] lengths;
    private final PacketView[] views;
    MemorySegment region = MemorySegment.NULL;
    int count;
    /** TX: bytes each reserved buffer holds; RX: 0 (views are read-only by contract). */
    int bufferSize;
    /** TX: the port whose slots are reserved here, else null. */
    GuestPort reservedBy;

    /** A burst of {@link #DEFAULT_CAPACITY} packets. */
    public PacketBurst() {
        this(DEFAULT_CAPACITY);
    }

    /** A burst of up to {@code capacity} packets (1..65536). */
    public PacketBurst(int capacity) {
        if (capacity < 1 || capacity > 65536) {
            throw new IllegalArgumentException("burst capacity out of range 1..65536: capacity=" + capacity);
        }
        offsets = new long[capacity];
        lengths = new int[capacity];
        views = new PacketView[capacity];
        for (int i = 0; i < capacity; i++) {
            views[i] = new PacketView(this, i);
        }
    }

    /** Most packets one burst holds. */
    public int capacity() {
        return offsets.length;
    }

    /** Packets from the last rxBurst, or slots from the last txReserve. */
    public int count() {
        return count;
    }

    /** The view of packet {@code i} (0 &lt;= i &lt; count); the same object every time. */
    public PacketView packet(int i) {
        checkPacket(i);
        return views[i];
    }

    /** Length of packet {@code i}. */
    public int length(int i) {
        checkPacket(i);
        return lengths[i];
    }

    /** Offset of packet {@code i}'s data from the start of {@link #region()}. */
    public long regionOffset(int i) {
        checkPacket(i);
        return offsets[i];
    }

    /** The shared region the packets are in. */
    public MemorySegment region() {
        return region;
    }

    void checkPacket(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("packet index out of range: index=" + i + " count=" + count);
        }
    }

    void receivedFrom(MemorySegment region, int count) {
        this.region = region;
        this.count = count;
        this.bufferSize = 0;
        this.reservedBy = null;
    }
}
