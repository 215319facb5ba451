package org.ovshighway.guest;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * One packet of a {@link PacketBurst}: a flyweight over the burst's slot {@code index}, valid as
 * long as the burst's contents are (see {@link PacketBurst}). Multi-byte accessors use network
 * byte order (big-endian). Every access is bounds-checked against the packet's length (received
 * packets) or buffer size (reserved transmit buffers).
 *
 * <p>Hot-path layout: the port that fills the burst stores the packet's place ({@code base},
 * {@code limit}, {@code length}) into the view itself, so an access reads only this object's
 * fields (one cache line) and the segment, instead of following the burst to its arrays. The
 * segment and the kind ({@code writable}) are stored only when they change, so a burst of the
 * same port and direction writes plain ints and longs per slot, no references. The segment is the
 * port's mapping (its shared arena): an access after {@link GuestPort#close()} throws
 * {@link IllegalStateException}, never touches unmapped memory. The bounds of {@code base} and
 * {@code limit} come from the ring layer (a slot buffer of this port's ring, or a received
 * descriptor checked against the ring's buffer area), so an access stays inside that buffer.
 */
public final class PacketView {
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final int index;
    /** The region the packet is in (the filling port's mapping). */
    MemorySegment segment = MemorySegment.NULL;
    /** Region offset of the packet's first byte. */
    long base;
    /** Bytes an access may reach: the buffer size (transmit) or the packet length (receive). */
    int limit;
    /** Bytes of packet data. */
    int length;
    /** Reserved transmit buffer (writable, length settable) rather than a received packet. */
    boolean writable;

    PacketView(int index) {
        this.index = index;
    }

    /** Bytes of packet data. */
    public int length() {
        return length;
    }

    /** Received packet: its length. Reserved transmit buffer: the bytes it can hold. */
    public int capacity() {
        return limit;
    }

    /** Transmit buffers only: sets the length to send (0..capacity). */
    public void setLength(int length) {
        if (!writable) {
            throw new IllegalStateException("setLength on a received packet: index=" + index);
        }
        if (length < 0 || length > limit) {
            throw new IndexOutOfBoundsException("packet length out of range: length=" + length
                    + " capacity=" + limit);
        }
        this.length = length;
    }

    public byte getByte(int offset) {
        return segment.get(ValueLayout.JAVA_BYTE, at(offset, 1));
    }

    public short getShort(int offset) {
        return segment.get(SHORT, at(offset, 2));
    }

    public int getInt(int offset) {
        return segment.get(INT, at(offset, 4));
    }

    public long getLong(int offset) {
        return segment.get(LONG, at(offset, 8));
    }

    public void putByte(int offset, byte value) {
        segment.set(ValueLayout.JAVA_BYTE, writable(offset, 1), value);
    }

    public void putShort(int offset, short value) {
        segment.set(SHORT, writable(offset, 2), value);
    }

    public void putInt(int offset, int value) {
        segment.set(INT, writable(offset, 4), value);
    }

    public void putLong(int offset, long value) {
        segment.set(LONG, writable(offset, 8), value);
    }

    /** Copies the packet's {@link #length()} bytes to {@code dst[dstOffset..]}. */
    public void copyTo(byte[] dst, int dstOffset) {
        int n = length;
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, at(0, n), dst, dstOffset, n);
    }

    /** Copies the packet's {@link #length()} bytes to {@code dst} at {@code dstOffset}. */
    public void copyTo(MemorySegment dst, long dstOffset) {
        int n = length;
        MemorySegment.copy(segment, at(0, n), dst, dstOffset, n);
    }

    /** Transmit buffers only: copies {@code length} bytes of {@code src} in and sets the length. */
    public void copyFrom(byte[] src, int srcOffset, int length) {
        MemorySegment.copy(src, srcOffset, segment, ValueLayout.JAVA_BYTE, writable(0, length), length);
        this.length = length;
    }

    /** Transmit buffers only: copies {@code length} bytes of {@code src} in and sets the length. */
    public void copyFrom(MemorySegment src, long srcOffset, int length) {
        MemorySegment.copy(src, srcOffset, segment, writable(0, length), length);
        this.length = length;
    }

    /** The packet's bytes as a segment (a new slice object: convenient, not for the hot path). */
    public MemorySegment asSegment() {
        return segment.asSlice(base, limit);
    }

    /** Region offset of byte {@code offset}, after checking {@code [offset, offset + size)} is inside the limit. */
    private long at(int offset, int size) {
        // limit >= 0 and size >= 0, so limit - size cannot overflow; a negative size fails too
        if (offset < 0 || size < 0 || offset > limit - size) {
            throw outOfRange(offset, size);
        }
        return base + offset;
    }

    private long writable(int offset, int size) {
        if (!writable) {
            throw new IllegalStateException("write to a received packet: index=" + index);
        }
        return at(offset, size);
    }

    private IndexOutOfBoundsException outOfRange(int offset, int size) {
        return new IndexOutOfBoundsException("packet access out of range: offset=" + offset + " size=" + size
                + " limit=" + limit);
    }
}
