package org.ovshighway.guest;

import java.lang.foreign.MemorySegment;

/**
 * One packet of a {@link PacketBurst}: a flyweight over the burst's slot {@code index}, valid as
 * long as the burst's contents are (see {@link PacketBurst}). Each method is the burst's indexed
 * accessor for this slot ({@code view.getLong(o)} is {@code burst.getLong(index, o)}), with the
 * same checks: the slot must hold a packet of the burst's current contents, and every access
 * stays inside the packet's length (received packets) or buffer (reserved transmit buffers).
 * Multi-byte accessors use network byte order (big-endian). On a per-packet hot path the
 * burst's indexed accessors are a few nanoseconds cheaper (see {@link PacketBurst}).
 */
public final class PacketView {
    private final PacketBurst burst;
    private final int index;

    PacketView(PacketBurst burst, int index) {
        this.burst = burst;
        this.index = index;
    }

    /** Bytes of packet data. */
    public int length() {
        return burst.length(index);
    }

    /** Received packet: its length. Reserved transmit buffer: the bytes it can hold. */
    public int capacity() {
        return burst.capacity(index);
    }

    /** Transmit buffers only: sets the length to send (0..capacity). */
    public void setLength(int length) {
        burst.setLength(index, length);
    }

    public byte getByte(int offset) {
        return burst.getByte(index, offset);
    }

    public short getShort(int offset) {
        return burst.getShort(index, offset);
    }

    public int getInt(int offset) {
        return burst.getInt(index, offset);
    }

    public long getLong(int offset) {
        return burst.getLong(index, offset);
    }

    public void putByte(int offset, byte value) {
        burst.putByte(index, offset, value);
    }

    public void putShort(int offset, short value) {
        burst.putShort(index, offset, value);
    }

    public void putInt(int offset, int value) {
        burst.putInt(index, offset, value);
    }

    public void putLong(int offset, long value) {
        burst.putLong(index, offset, value);
    }

    /** Copies the packet's {@link #length()} bytes to {@code dst[dstOffset..]}. */
    public void copyTo(byte[] dst, int dstOffset) {
        burst.copyTo(index, dst, dstOffset);
    }

    /** Copies the packet's {@link #length()} bytes to {@code dst} at {@code dstOffset}. */
    public void copyTo(MemorySegment dst, long dstOffset) {
        burst.copyTo(index, dst, dstOffset);
    }

    /** Transmit buffers only: copies {@code length} bytes of {@code src} in and sets the length. */
    public void copyFrom(byte[] src, int srcOffset, int length) {
        burst.copyFrom(index, src, srcOffset, length);
    }

    /** Transmit buffers only: copies {@code length} bytes of {@code src} in and sets the length. */
    public void copyFrom(MemorySegment src, long srcOffset, int length) {
        burst.copyFrom(index, src, srcOffset, length);
    }

    /** The packet's bytes as a segment (a new slice object: convenient, not for the hot path). */
    public MemorySegment asSegment() {
        return burst.asSegment(index);
    }
}
