package org.ovshighway.guest;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A reusable batch of packets: filled by {@link GuestPort#rxBurst} with received packets, or by
 * {@link GuestPort#txReserve} with empty transmit buffers. Create one per polling thread and
 * reuse it; nothing is allocated per packet.
 *
 * <p>The packets are zero-copy views into shared memory. <b>Received packets stay valid only
 * until the next {@code rxBurst} (or {@code rxRelease}) on the same port</b>: then their
 * buffers go back to the sender, who overwrites them. Copy what must live longer.
 *
 * <p>Two ways to reach packet {@code i}'s bytes, with the same checks and the same results:
 * the accessors here that take the packet index first ({@code getLong(i, offset)},
 * {@code copyFrom(i, ...)}), and the {@link PacketView} of {@link #packet(int)}. The indexed
 * accessors are the per-packet hot path: the compiler sees the burst and the index directly,
 * where a view's accesses first load which burst and which slot the view stands for (measured
 * in docs/benchmarks.md, "Indexed accessors"). Multi-byte values are in network byte order.
 * Every access checks that {@code i} is a packet of the current contents ({@code 0 <= i <
 * count()}) and that the bytes lie inside the packet: its length for received packets, its
 * buffer for reserved transmit buffers. Writes are for reserved transmit buffers only.
 */
public final class PacketBurst {
    /** Default number of packets per burst. */
    public static final int DEFAULT_CAPACITY = 32;

    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    final long[] offsets;
    final int[] lengths;
    private final PacketView[] views;
    MemorySegment region = MemorySegment.NULL;
    int count;
    /** TX: bytes each reserved buffer holds; RX: 0 (received packets are read-only by contract). */
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

    /** Length of packet {@code i}: bytes received, or the length set for a transmit buffer. */
    public int length(int i) {
        checkPacket(i);
        return lengths[i];
    }

    /** Received packet: its length. Reserved transmit buffer: the bytes it can hold. */
    public int capacity(int i) {
        checkPacket(i);
        return limit(i);
    }

    /** Transmit buffers only: sets the length of packet {@code i} to send (0..capacity). */
    public void setLength(int i, int length) {
        checkPacket(i);
        if (bufferSize == 0) {
            throw new IllegalStateException("setLength on a received packet: index=" + i);
        }
        if (length < 0 || length > bufferSize) {
            throw new IndexOutOfBoundsException("packet length out of range: length=" + length
                    + " capacity=" + bufferSize);
        }
        lengths[i] = length;
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

    public byte getByte(int i, int offset) {
        return region.get(ValueLayout.JAVA_BYTE, readable(i, offset, 1));
    }

    public short getShort(int i, int offset) {
        return region.get(SHORT, readable(i, offset, 2));
    }

    public int getInt(int i, int offset) {
        return region.get(INT, readable(i, offset, 4));
    }

    public long getLong(int i, int offset) {
        return region.get(LONG, readable(i, offset, 8));
    }

    public void putByte(int i, int offset, byte value) {
        region.set(ValueLayout.JAVA_BYTE, writable(i, offset, 1), value);
    }

    public void putShort(int i, int offset, short value) {
        region.set(SHORT, writable(i, offset, 2), value);
    }

    public void putInt(int i, int offset, int value) {
        region.set(INT, writable(i, offset, 4), value);
    }

    public void putLong(int i, int offset, long value) {
        region.set(LONG, writable(i, offset, 8), value);
    }

    /** Copies packet {@code i}'s {@link #length(int)} bytes to {@code dst[dstOffset..]}. */
    public void copyTo(int i, byte[] dst, int dstOffset) {
        int length = length(i);
        MemorySegment.copy(region, ValueLayout.JAVA_BYTE, readable(i, 0, length), dst, dstOffset, length);
    }

    /** Copies packet {@code i}'s {@link #length(int)} bytes to {@code dst} at {@code dstOffset}. */
    public void copyTo(int i, MemorySegment dst, long dstOffset) {
        int length = length(i);
        MemorySegment.copy(region, readable(i, 0, length), dst, dstOffset, length);
    }

    /** Transmit buffers only: copies {@code length} bytes of {@code src} into packet {@code i} and sets its length. */
    public void copyFrom(int i, byte[] src, int srcOffset, int length) {
        MemorySegment.copy(src, srcOffset, region, ValueLayout.JAVA_BYTE, writable(i, 0, length), length);
        lengths[i] = length;
    }

    /** Transmit buffers only: copies {@code length} bytes of {@code src} into packet {@code i} and sets its length. */
    public void copyFrom(int i, MemorySegment src, long srcOffset, int length) {
        MemorySegment.copy(src, srcOffset, region, writable(i, 0, length), length);
        lengths[i] = length;
    }

    /** Packet {@code i}'s bytes as a segment (a new slice object: convenient, not for the hot path). */
    public MemorySegment asSegment(int i) {
        checkPacket(i);
        return region.asSlice(offsets[i], limit(i));
    }

    void checkPacket(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("packet index out of range: index=" + i + " count=" + count);
        }
    }

    /** Region offset of {@code size} bytes at {@code offset} in packet {@code i}, all checked. */
    private long readable(int i, int offset, int size) {
        checkPacket(i);
        int limit = limit(i);
        if (offset < 0 || size < 0 || size > limit - offset) {
            throw new IndexOutOfBoundsException("packet access out of range: index=" + i + " offset=" + offset
                    + " size=" + size + " limit=" + limit);
        }
        return offsets[i] + offset;
    }

    private long writable(int i, int offset, int size) {
        if (bufferSize == 0) {
            throw new IllegalStateException("write to a received packet: index=" + i);
        }
        return readable(i, offset, size);
    }

    private int limit(int i) {
        return bufferSize != 0 ? bufferSize : lengths[i];
    }

    void receivedFrom(MemorySegment region, int count) {
        this.region = region;
        this.count = count;
        this.bufferSize = 0;
        this.reservedBy = null;
    }
}
