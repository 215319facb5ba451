package org.ovshighway.testbed;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The frame of the traffic guest: an Ethernet frame carrying a stream id and a sequence number,
 * all fields in network byte order.
 * <pre>
 *  0         6         12     14     16          20          24               32          length
 *  +---------+---------+------+------+-----------+-----------+----------------+-----------+
 *  | dst MAC | src MAC |88B5  |"HT"  | stream u32| 0         | sequence u64   | zero      |
 *  +---------+---------+------+------+-----------+-----------+----------------+-----------+
 * </pre>
 * EtherType 0x88B5 is IEEE "local experimental"; the tag 0x4854 ("HT") tells a traffic frame
 * from anything else that may reach the port. Frames are {@value #MIN_LENGTH}..{@value #MAX_LENGTH}
 * bytes (64 by default, the smallest Ethernet frame without FCS).
 */
public final class TrafficFrame {
    public static final int MIN_LENGTH = 32;
    public static final int MAX_LENGTH = 1514;
    public static final int DEFAULT_LENGTH = 64;
    public static final short ETHER_TYPE = (short) 0x88B5;
    public static final short TAG = 0x4854;

    public static final int DST_MAC_OFFSET = 0;
    public static final int SRC_MAC_OFFSET = DST_MAC_OFFSET + 6;
    public static final int ETHER_TYPE_OFFSET = SRC_MAC_OFFSET + 6;
    public static final int TAG_OFFSET = ETHER_TYPE_OFFSET + 2;
    public static final int STREAM_OFFSET = TAG_OFFSET + 2;
    public static final int RESERVED_OFFSET = STREAM_OFFSET + 4;
    public static final int SEQUENCE_OFFSET = RESERVED_OFFSET + 4;
    static {
        if (SEQUENCE_OFFSET + 8 != MIN_LENGTH) {
            throw new AssertionError("traffic frame header must end at MIN_LENGTH");
        }
    }

    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** Everything but the sequence number, copied into each buffer before the number is set. */
    private final MemorySegment template;
    private final int length;
    private final int streamId;

    /**
     * Frames of stream {@code streamId}, {@code length} bytes, from {@code src} to {@code dst}
     * (6-byte MACs).
     */
    public TrafficFrame(byte[] dst, byte[] src, int streamId, int length) {
        checkMac("dst", dst);
        checkMac("src", src);
        if (length < MIN_LENGTH || length > MAX_LENGTH) {
            throw new IllegalArgumentException("traffic frame length=" + length + " outside " + MIN_LENGTH + ".."
                    + MAX_LENGTH);
        }
        this.length = length;
        this.streamId = streamId;
        this.template = Arena.ofAuto().allocate(length, 64);
        MemorySegment.copy(dst, 0, template, ValueLayout.JAVA_BYTE, DST_MAC_OFFSET, 6);
        MemorySegment.copy(src, 0, template, ValueLayout.JAVA_BYTE, SRC_MAC_OFFSET, 6);
        template.set(SHORT, ETHER_TYPE_OFFSET, ETHER_TYPE);
        template.set(SHORT, TAG_OFFSET, TAG);
        template.set(INT, STREAM_OFFSET, streamId);
    }

    /** The locally administered MAC 02:00:00:00:00:00 + {@code n} (n in 0..2^32-1 fits the low four bytes). */
    public static byte[] mac(long n) {
        return new byte[] {0x02, 0, (byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
    }

    private static void checkMac(String field, byte[] mac) {
        if (mac == null || mac.length != 6) {
            throw new IllegalArgumentException("traffic frame " + field + " MAC must be 6 bytes: length="
                    + (mac == null ? "null" : mac.length));
        }
    }

    /** Bytes per frame. */
    public int length() {
        return length;
    }

    public int streamId() {
        return streamId;
    }

    /**
     * Writes the frame numbered {@code sequence} at {@code offset} of {@code region} (which must
     * have {@link #length()} bytes there: the caller checked the buffer size once).
     */
    public void write(MemorySegment region, long offset, long sequence) {
        MemorySegment.copy(template, 0, region, offset, length);
        region.set(LONG, offset + SEQUENCE_OFFSET, sequence);
    }

    /** Whether the {@code frameLength} bytes at {@code offset} are a traffic frame of any stream. */
    public static boolean isTraffic(MemorySegment region, long offset, int frameLength) {
        return frameLength >= MIN_LENGTH
                && region.get(SHORT, offset + ETHER_TYPE_OFFSET) == ETHER_TYPE
                && region.get(SHORT, offset + TAG_OFFSET) == TAG;
    }

    /** Stream id of the traffic frame at {@code offset}. */
    public static int stream(MemorySegment region, long offset) {
        return region.get(INT, offset + STREAM_OFFSET);
    }

    /** Sequence number of the traffic frame at {@code offset}. */
    public static long sequence(MemorySegment region, long offset) {
        return region.get(LONG, offset + SEQUENCE_OFFSET);
    }
}
