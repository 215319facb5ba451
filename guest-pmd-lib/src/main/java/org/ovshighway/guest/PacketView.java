package org.ovshighway.guest;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * One packet of a {@link PacketBurst}: a flyweight over the burst's slot {@code index}, valid as
 * long as the burst's contents are (see {@link PacketBurst}). Multi-byte accessors use network
 * byte order (big-endian). Every access is bounds-checked against the packet's length (received
 * packets) or buffer size (reserved transmit buffers).
 */
public final class PacketView {
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final PacketBurst burst;
    private final int index;

    PacketView(PacketBurst burst, int index) {
        this.burst = burst;
        this.index = index;
    }

    /** Bytes of packet data. */
    public int length() {
        return burst.lengths[index];
    }

    /** Received packet: its length. Reserved transmit buffer: the bytes it can hold. */
    public int capacity() {
        return burst.bufferSize != 0 ? burst.bufferSize : burst.lengths[index];
    }

    /** Transmit buffers only: sets the length to send (0..capacity). */
    public void setLength(int length) {
        if (burst.bufferSize == 0) {
            throw new IllegalStateException("setLength on a received packet: index=" + index);
        }
        if (length < 0 || length > burst.bufferSize) {
            throw new IndexOutOfBoundsException("packet length out of range: length=" + length
                    + " capacity=" + burst.bufferSize);
        }
        burst.lengths[index] = length;
    }

    public byte getByte(int offset) {
        return burst.region.get(ValueLayout.JAVA_BYTE, at(offset, 1));
    }

    public short getShort(int offset) {
        return burst.region.get(SHORT, at(offset, 2));
    }

    public int getInt(int offset) {
        return burst.region.get(INT, at(offset, 4));
    }

    public long getLong(int offset) {
        return burst.region.get(LONG, at(offset, 8));
    }

    public void putByte(int offset, byte value) {
        burst.region.set(ValueLayout.JAVA_BYTE, writable(offset, 1), value);
    }

    public void putShort(int offset, short value) {
        burst.region.set(SHORT, writable(offset, 2), value);
    }

    public void putInt(int offset, int value) {
        burst.region.set(INT, writable(offset, 4), value);
    }

    public void putLong(int offset, long value) {
        burst.region.set(LONG, writable(offset, 8), value);
    }

    /** Copies the packet's {@link #length()} bytes to {@code dst[dstOffset..]}. */
    public void copyTo(byte[] dst, int dstOffset) {
        int length = length();
        MemorySegment.copy(burst.region, ValueLayout.JAVA_BYTE, at(0, length), dst, dstOffset, length);
    }

    /** Copies the packet's {@link #length()} bytes to {@code dst} at {@code dstOffset}. */
    public void copyTo(MemorySegment dst, long dstOffset) {
        int length = length();
        MemorySegment.copy(burst.region, at(0, length), dst, dstOffset, length);
    }

    /** Transmit buffers only: copies {@code length} bytes of {@code src} in and sets the length. */
    public void copyFrom(byte[] src, int srcOffset, int length) {
        MemorySegment.copy(src, srcOffset, burst.region, ValueLayout.JAVA_BYTE, writable(0, length), length);
        burst.lengths[index] = length;
    }

    /** Transmit buffers only: copies {@code length} bytes of {@code src} in and sets the length. */
    public void copyFrom(MemorySegment src, long srcOffset, int length) {
        MemorySegment.copy(src, srcOffset, burst.region, writable(0, length), length);
        burst.lengths[index] = length;
    }

    /** The packet's bytes as a segment (a new slice object: convenient, not for the hot path). */
    public MemorySegment asSegment() {
        return burst.region.asSlice(burst.offsets[index], capacity());
    }

    private long at(int offset, int size) {
        int limit = capacity();
        if (offset < 0 || size > limit - offset) {
            throw new IndexOutOfBoundsException("packet access out of range: offset=" + offset + " size=" + size
                    + " limit=" + limit);
        }
        return burst.offsets[index] + offset;
    }

    private long writable(int offset, int size) {
        if (burst.bufferSize == 0) {
            throw new IllegalStateException("write to a received packet: index=" + index);
        }
        return at(offset, size);
    }
}
