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

    /**
     * Scratch space of the ring layer: a receive fills them and {@link #receivedFrom} copies them
     * into the views; a commit gathers the views' lengths into {@code lengths}. The views are the
     * truth the application sees ({@link #length}, {@link #regionOffset}).
     */
    final long[] offsets;
    final int[] lengths;
    final PacketView[] views;
    MemorySegment region = MemorySegment.NULL;
    int count;
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
            views[i] = new PacketView(i);
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
        return views[i].length;
    }

    /** Offset of packet {@code i}'s data from the start of {@link #region()}. */
    public long regionOffset(int i) {
        checkPacket(i);
        return views[i].base;
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

    /** Owner thread: {@code offsets/lengths[0..count)} hold validated received packets of {@code region}. */
    void receivedFrom(MemorySegment region, int count) {
        final long[] o = offsets;
        final int[] l = lengths;
        final PacketView[] v = views;
        // no calls inside the loop: it runs on every receive poll (see GuestPort.placeOnReservedSlots)
        for (int i = 0; i < count; i++) {
            PacketView view = v[i];
            if (view.segment != region) {
                view.segment = region;
            }
            if (view.writable) {
                view.writable = false;
            }
            int length = l[i];
            view.base = o[i];
            view.limit = length;
            view.length = length;
        }
        if (this.region != region) {
            this.region = region;
        }
        this.count = count;
        if (reservedBy != null) {
            reservedBy = null;
        }
    }
}
