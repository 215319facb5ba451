package org.ovshighway.testbed;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The test frame of the direct-link harness: 64 bytes, an Ethernet header (locally administered
 * MACs, EtherType 0x88B5 "local experimental") and the sequence number as a big-endian (network
 * order, as {@code PacketView.putLong} writes it) u64 at byte {@value #SEQUENCE_OFFSET}.
 * <pre>
 *  0               6               12    14    16              24                    64
 *  +---------------+---------------+-----+-----+---------------+---------------------+
 *  | dst 02:..:02  | src 02:..:01  |88B5 | 0   | sequence u64  | zero                |
 *  +---------------+---------------+-----+-----+---------------+---------------------+
 * </pre>
 */
public final class LinkFrame {
    public static final int LENGTH = 64;
    public static final int SEQUENCE_OFFSET = 16;

    private LinkFrame() {
    }

    /** A frame with header filled in and sequence 0, to copy into each buffer. */
    public static MemorySegment template() {
        byte[] frame = new byte[LENGTH];
        byte[] header = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, (byte) 0x88, (byte) 0xB5};
        System.arraycopy(header, 0, frame, 0, header.length);
        MemorySegment segment = java.lang.foreign.Arena.ofAuto().allocate(LENGTH, 64);
        MemorySegment.copy(frame, 0, segment, ValueLayout.JAVA_BYTE, 0, LENGTH);
        return segment;
    }
}
