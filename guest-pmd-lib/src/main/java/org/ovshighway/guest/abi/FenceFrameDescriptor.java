package org.ovshighway.guest.abi;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The FENCE frame of the remap protocol (ABI 1.2): an Ethernet frame of Highway's own that the
 * sender of a link direction puts on the path it leaves, and that the receiver consumes (never
 * delivers) to learn that nothing more of that direction follows on that path.
 *
 * <pre>
 * +0   6 bytes  destination  {@link #DESTINATION} 0f:48:57:46:4e:43 (locally administered multicast)
 * +6   6 bytes  source       {@link #SOURCE} 02:48:57:00:00:00 (locally administered; ignored on read)
 * +12  u16 BE   EtherType    {@link #ETHER_TYPE} 0x88B5 (IEEE 802 local experimental)
 * +14  u16 LE   version      {@link #VERSION} (1)
 * +16  u64 LE   marker       {@link #MARKER} ("HWFENCE!" in ASCII)
 * +24  u64 LE   linkId       the link (region header linkId)
 * +32  u64 LE   generation   the link's generation
 * +40  u64 LE   sequence     {@link #SEQUENCE_IN} for a FENCE_IN, {@link #SEQUENCE_OUT} for a FENCE_OUT;
 *                            the receiver acknowledges it in fenceAck[direction]
 * +48  u8       kind         {@link #KIND_IN} (old ring -&gt; link) or {@link #KIND_OUT} (link -&gt; old ring)
 * +49  u8       direction    link direction 0 or 1 (= the sender's end)
 * +50  u16      reserved     0
 * +52  u32 LE   copy         0 for the first copy, +1 per repetition (diagnostics only)
 * +56  u64      reserved     0
 * +64           end ({@link #SIZE})
 * </pre>
 * A frame is a fence when it is at least {@link #SIZE} bytes long and destination, EtherType and
 * marker match; the other fields then say whether it is the fence a receiver waits for (else it
 * is stale: consumed and counted). All reads are unaligned-safe: a peer chooses packet offsets.
 */
public final class FenceFrameDescriptor {
    /** 0f:48:57:46:4e:43 as the first six bytes of a frame. */
    public static final byte[] DESTINATION = {0x0f, 0x48, 0x57, 0x46, 0x4e, 0x43};
    /** 02:48:57:00:00:00. */
    public static final byte[] SOURCE = {0x02, 0x48, 0x57, 0x00, 0x00, 0x00};
    /** IEEE 802 "local experimental" EtherType 1. */
    public static final int ETHER_TYPE = 0x88B5;
    /** Frame format version. */
    public static final int VERSION = 1;
    /** "HWFENCE!" read as a little-endian u64. */
    public static final long MARKER = 0x21454E4345465748L;
    public static final int KIND_IN = 1;
    public static final int KIND_OUT = 2;
    /** The fence sequence a FENCE_IN carries and its receiver acknowledges. */
    public static final long SEQUENCE_IN = 1;
    /** The fence sequence a FENCE_OUT carries and its receiver acknowledges. */
    public static final long SEQUENCE_OUT = 2;

    public static final long DESTINATION_OFFSET = 0;
    public static final long SOURCE_OFFSET = DESTINATION_OFFSET + 6;
    public static final long ETHER_TYPE_OFFSET = SOURCE_OFFSET + 6;
    public static final long VERSION_OFFSET = ETHER_TYPE_OFFSET + Short.BYTES;
    public static final long MARKER_OFFSET = VERSION_OFFSET + Short.BYTES;
    public static final long LINK_ID_OFFSET = MARKER_OFFSET + Long.BYTES;
    public static final long GENERATION_OFFSET = LINK_ID_OFFSET + Long.BYTES;
    public static final long SEQUENCE_OFFSET = GENERATION_OFFSET + Long.BYTES;
    public static final long KIND_OFFSET = SEQUENCE_OFFSET + Long.BYTES;
    public static final long DIRECTION_OFFSET = KIND_OFFSET + 1;
    public static final long RESERVED1_OFFSET = DIRECTION_OFFSET + 1;
    public static final long COPY_OFFSET = RESERVED1_OFFSET + Short.BYTES;
    public static final long RESERVED2_OFFSET = COPY_OFFSET + Integer.BYTES;
    /** Bytes of a fence frame. */
    public static final int SIZE = (int) (RESERVED2_OFFSET + Long.BYTES);

    private static final ValueLayout.OfShort U16_BE_UNALIGNED =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort U16_LE_UNALIGNED =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Destination bytes 0..3 and 4..5 as big-endian values (compared after the cheaper tests). */
    private static final int DESTINATION_HIGH = 0x0f485746;
    private static final short DESTINATION_LOW = 0x4e43;

    private FenceFrameDescriptor() {
    }

    /** Writes a complete fence frame at {@code offset} of {@code segment} ({@link #SIZE} bytes). */
    public static void write(MemorySegment segment, long offset, long linkId, long generation, int kind,
                             int direction, int copy) {
        if (kind != KIND_IN && kind != KIND_OUT) {
            throw new IllegalArgumentException("fence kind must be 1 (IN) or 2 (OUT): kind=" + kind);
        }
        if (direction != 0 && direction != 1) {
            throw new IllegalArgumentException("fence direction must be 0 or 1: direction=" + direction);
        }
        segment.asSlice(offset, SIZE).fill((byte) 0);
        MemorySegment.copy(DESTINATION, 0, segment, ValueLayout.JAVA_BYTE, offset + DESTINATION_OFFSET, 6);
        MemorySegment.copy(SOURCE, 0, segment, ValueLayout.JAVA_BYTE, offset + SOURCE_OFFSET, 6);
        segment.set(U16_BE_UNALIGNED, offset + ETHER_TYPE_OFFSET, (short) ETHER_TYPE);
        segment.set(U16_LE_UNALIGNED, offset + VERSION_OFFSET, (short) VERSION);
        segment.set(Le.U64_UNALIGNED, offset + MARKER_OFFSET, MARKER);
        segment.set(Le.U64_UNALIGNED, offset + LINK_ID_OFFSET, linkId);
        segment.set(Le.U64_UNALIGNED, offset + GENERATION_OFFSET, generation);
        segment.set(Le.U64_UNALIGNED, offset + SEQUENCE_OFFSET, kind == KIND_IN ? SEQUENCE_IN : SEQUENCE_OUT);
        segment.set(ValueLayout.JAVA_BYTE, offset + KIND_OFFSET, (byte) kind);
        segment.set(ValueLayout.JAVA_BYTE, offset + DIRECTION_OFFSET, (byte) direction);
        segment.set(Le.U32_UNALIGNED, offset + COPY_OFFSET, copy);
    }

    /**
     * Whether the {@code length} bytes at {@code offset} are a fence frame. The caller guarantees
     * that they lie inside {@code segment} (a validated descriptor). Data frames of a VNF fail at the
     * EtherType (one load) unless they use 0x88B5 themselves.
     */
    public static boolean isFence(MemorySegment segment, long offset, int length) {
        return length >= SIZE
                && segment.get(U16_BE_UNALIGNED, offset + ETHER_TYPE_OFFSET) == (short) ETHER_TYPE
                && segment.get(Le.U64_UNALIGNED, offset + MARKER_OFFSET) == MARKER
                && segment.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), offset) == DESTINATION_HIGH
                && segment.get(U16_BE_UNALIGNED, offset + 4) == DESTINATION_LOW;
    }

    /** Link id of a fence frame (after {@link #isFence}). */
    public static long linkId(MemorySegment segment, long offset) {
        return segment.get(Le.U64_UNALIGNED, offset + LINK_ID_OFFSET);
    }

    /** Generation of a fence frame. */
    public static long generation(MemorySegment segment, long offset) {
        return segment.get(Le.U64_UNALIGNED, offset + GENERATION_OFFSET);
    }

    /** Kind of a fence frame (KIND_IN, KIND_OUT, or anything a hostile peer wrote). */
    public static int kind(MemorySegment segment, long offset) {
        return segment.get(ValueLayout.JAVA_BYTE, offset + KIND_OFFSET) & 0xff;
    }

    /** Link direction of a fence frame. */
    public static int direction(MemorySegment segment, long offset) {
        return segment.get(ValueLayout.JAVA_BYTE, offset + DIRECTION_OFFSET) & 0xff;
    }

    /** Whether a fence frame is the one for link {@code linkId}/{@code generation}, {@code kind} and {@code direction}. */
    public static boolean matches(MemorySegment segment, long offset, long linkId, long generation, int kind,
                                  int direction) {
        return linkId(segment, offset) == linkId && generation(segment, offset) == generation
                && kind(segment, offset) == kind && direction(segment, offset) == direction;
    }
}
