package org.ovshighway.guest.abi;

/**
 * The Highway header at offset 0 of every region. All values little-endian; all offsets in a
 * region are relative to the region start (never pointers).
 *
 * <pre>
 * line 0 @0    identity (written once by the creator, magic last with a release store)
 *   +0   u64 magic            {@link #MAGIC} ("HWREGION" in ASCII, little-endian)
 *   +8   u16 versionMajor     {@link AbiVersion#MAJOR}
 *   +10  u16 versionMinor     {@link AbiVersion#MINOR}
 *   +12  u16 kind             {@link RegionKind#code()}: PORT=1, LINK=2
 *   +14  u16 ringCount        1..{@link #MAX_RINGS}
 *   +16  u32 headerSize       {@link #headerSize(int)}: bytes from 0 to the end of the counters
 *   +20  u32 reserved         0
 *   +24  u64 regionSize       bytes of the whole region (the file / BAR2 size), &lt;= 2^32
 *   +32  u64 generation       != 0; a new generation means "reset your ring state"
 *   +40  u64 linkId           LINK: the link's id; PORT: 0
 *   +48  16 bytes reserved    0
 * line 1 @64   names (written once by the creator)
 *   +64  32 bytes name0       LINK: port name of end 0;  PORT: the port's name
 *   +96  32 bytes name1       LINK: port name of end 1;  PORT: the guest's name
 *                             (ASCII 0x21..0x7e, NUL-padded, at least one character)
 * line 2 @128  PORT controlRequest  (agent writes; see {@link PortControl})
 *              LINK revertReady[0]  (since ABI 1.2; receiver of direction 0, end 1, writes) u64:
 *                                   generation whose revert it is ready for, 0 = not ready
 *       +136   LINK receiverGone[0] (since ABI 1.3; receiver of direction 0 writes) u64: generation
 *                                   of the link it gave up on (forced, moved to another link)
 *   +128 u64 requestWord      bits 0..7 opcode (NONE=0, ATTACH=1, DETACH=2),
 *                             bits 8..63 sequence; odd sequence = write in progress
 *   +136 u64 requestLinkId
 *   +144 u64 requestGeneration
 *   +152 u64 requestDevice    (since ABI 1.4) ATTACH: where the link's device is for this guest,
 *                             {@link PciAddress#word()}; 0 = not given (the guest looks for it)
 * line 3 @192  PORT controlAck      (guest writes)
 *              LINK revertReady[1]  (since ABI 1.2; receiver of direction 1, end 0, writes) u64: same
 *       +200   LINK receiverGone[1] (since ABI 1.3; receiver of direction 1 writes) u64: same
 *   +192 u64 ackWord          the requestWord the guest has finished handling
 *   +200 u64 ackStatus        0 = done, other values see {@link PortControl}
 * line 4 @256  LINK mapped[0]       (guest at end 0 writes) u64: generation it mapped, 0 = not mapped
 *       +264   LINK senderLeft[0]   (since ABI 1.3; sender of direction 0, end 0, writes) u64:
 *                                   generation whose link it left (no frame of it goes on the link
 *                                   after this store), 0 = still on it or never was
 *              PORT connection      (agent writes; since ABI 1.1, see {@link PortConnection}) u64:
 *                                   bits 0..7 state (DOWN=0, UP=1), bits 8..63 connection generation
 * line 5 @320  LINK mapped[1]       (guest at end 1 writes) u64: same
 *       +328   LINK senderLeft[1]   (since ABI 1.3; sender of direction 1, end 1, writes) u64: same
 * line 6 @384  LINK usable          (agent writes) u64: generation made usable, 0 = not usable
 * line 7 @448  LINK fenceAck[0]     (receiver of direction 0, end 1, writes) u64 fence sequence
 * line 8 @512  LINK fenceAck[1]     (receiver of direction 1, end 0, writes) u64 fence sequence
 * @576         ring table: ringCount entries of 64 bytes, {@link RingTableEntryDescriptor}
 * @576+64n     counters: per ring two lines, {@link RingCountersDescriptor}
 * @576+192n    end of header (= headerSize)
 * </pre>
 * Lines 2..4 mean different words in the two kinds: PORT request/ack/connection, LINK
 * revertReady[0]/revertReady[1]/mapped[0]. The lines a kind does not use are reserved (zero). Every line after line 1 has exactly one
 * writer, so no two sides ever write the same cache line.
 */
public final class RegionHeaderDescriptor {
    /** "HWREGION" read as a little-endian u64. */
    public static final long MAGIC = 0x4E4F494745525748L;
    /** Cache line size the layout separates writers by. */
    public static final int CACHE_LINE = 64;
    /** Bytes of each name field. */
    public static final int NAME_BYTES = 32;
    /** Most rings one region may describe. */
    public static final int MAX_RINGS = 64;
    /** Most bytes a region may have: memif descriptor offsets are u32. */
    public static final long MAX_REGION_SIZE = 1L << 32;

    // line 0: identity
    public static final long MAGIC_OFFSET = 0;
    public static final long VERSION_MAJOR_OFFSET = MAGIC_OFFSET + Long.BYTES;
    public static final long VERSION_MINOR_OFFSET = VERSION_MAJOR_OFFSET + Short.BYTES;
    public static final long KIND_OFFSET = VERSION_MINOR_OFFSET + Short.BYTES;
    public static final long RING_COUNT_OFFSET = KIND_OFFSET + Short.BYTES;
    public static final long HEADER_SIZE_OFFSET = RING_COUNT_OFFSET + Short.BYTES;
    public static final long RESERVED0_OFFSET = HEADER_SIZE_OFFSET + Integer.BYTES;
    public static final long REGION_SIZE_OFFSET = RESERVED0_OFFSET + Integer.BYTES;
    public static final long GENERATION_OFFSET = REGION_SIZE_OFFSET + Long.BYTES;
    public static final long LINK_ID_OFFSET = GENERATION_OFFSET + Long.BYTES;
    private static final long IDENTITY_END = LINK_ID_OFFSET + Long.BYTES;

    // line 1: names
    public static final long NAME0_OFFSET = align(IDENTITY_END);
    public static final long NAME1_OFFSET = NAME0_OFFSET + NAME_BYTES;
    private static final long NAMES_END = NAME1_OFFSET + NAME_BYTES;

    // line 2: PORT controlRequest (agent)
    public static final long CONTROL_REQUEST_OFFSET = align(NAMES_END);
    public static final long REQUEST_WORD_OFFSET = CONTROL_REQUEST_OFFSET;
    public static final long REQUEST_LINK_ID_OFFSET = REQUEST_WORD_OFFSET + Long.BYTES;
    public static final long REQUEST_GENERATION_OFFSET = REQUEST_LINK_ID_OFFSET + Long.BYTES;
    /** Since ABI 1.4: the device hint of an ATTACH ({@link PciAddress}). */
    public static final long REQUEST_DEVICE_OFFSET = REQUEST_GENERATION_OFFSET + Long.BYTES;
    private static final long CONTROL_REQUEST_END = REQUEST_DEVICE_OFFSET + Long.BYTES;

    // line 3: PORT controlAck (guest)
    public static final long CONTROL_ACK_OFFSET = align(CONTROL_REQUEST_END);
    public static final long ACK_WORD_OFFSET = CONTROL_ACK_OFFSET;
    public static final long ACK_STATUS_OFFSET = ACK_WORD_OFFSET + Long.BYTES;
    private static final long CONTROL_ACK_END = ACK_STATUS_OFFSET + Long.BYTES;

    // lines 4..8: LINK handshake words, one line each
    public static final long MAPPED0_OFFSET = align(CONTROL_ACK_END);
    public static final long MAPPED1_OFFSET = MAPPED0_OFFSET + CACHE_LINE;
    public static final long USABLE_OFFSET = MAPPED1_OFFSET + CACHE_LINE;
    public static final long FENCE_ACK0_OFFSET = USABLE_OFFSET + CACHE_LINE;
    public static final long FENCE_ACK1_OFFSET = FENCE_ACK0_OFFSET + CACHE_LINE;

    /** LINK (since ABI 1.2): revertReady[0] on line 2, which a PORT region uses for its request. */
    public static final long REVERT_READY0_OFFSET = CONTROL_REQUEST_OFFSET;
    /** LINK (since ABI 1.2): revertReady[1] on line 3, which a PORT region uses for its acknowledgement. */
    public static final long REVERT_READY1_OFFSET = CONTROL_ACK_OFFSET;

    /** LINK (since ABI 1.3): receiverGone[0], beside revertReady[0] (both written by the receiver of direction 0). */
    public static final long RECEIVER_GONE0_OFFSET = REVERT_READY0_OFFSET + Long.BYTES;
    /** LINK (since ABI 1.3): receiverGone[1], beside revertReady[1] (both written by the receiver of direction 1). */
    public static final long RECEIVER_GONE1_OFFSET = REVERT_READY1_OFFSET + Long.BYTES;

    /** LINK (since ABI 1.3): senderLeft[0], beside mapped[0] (both written by the guest at end 0). */
    public static final long SENDER_LEFT0_OFFSET = MAPPED0_OFFSET + Long.BYTES;
    /** LINK (since ABI 1.3): senderLeft[1], beside mapped[1] (both written by the guest at end 1). */
    public static final long SENDER_LEFT1_OFFSET = MAPPED1_OFFSET + Long.BYTES;

    /** PORT: the agent's connection word (line 4, which a LINK region uses for mapped[0]). */
    public static final long PORT_CONNECTION_OFFSET = MAPPED0_OFFSET;

    /** Start of the ring table. */
    public static final long RING_TABLE_OFFSET = FENCE_ACK1_OFFSET + CACHE_LINE;

    private RegionHeaderDescriptor() {
    }

    /** Offset of {@code mapped[end]}, end 0 or 1. */
    public static long mappedOffset(int end) {
        return MAPPED0_OFFSET + (long) checkEnd(end) * CACHE_LINE;
    }

    /** Offset of {@code fenceAck[direction]}, direction 0 or 1. */
    public static long fenceAckOffset(int direction) {
        return FENCE_ACK0_OFFSET + (long) checkEnd(direction) * CACHE_LINE;
    }

    /** Offset of {@code senderLeft[direction]}, direction 0 or 1 (LINK, ABI 1.3): on the line of its sender's mapped word. */
    public static long senderLeftOffset(int direction) {
        return checkEnd(direction) == 0 ? SENDER_LEFT0_OFFSET : SENDER_LEFT1_OFFSET;
    }

    /** Offset of {@code receiverGone[direction]}, direction 0 or 1 (LINK, ABI 1.3): on the line of revertReady. */
    public static long receiverGoneOffset(int direction) {
        return checkEnd(direction) == 0 ? RECEIVER_GONE0_OFFSET : RECEIVER_GONE1_OFFSET;
    }

    /** Offset of {@code revertReady[direction]}, direction 0 or 1 (LINK, ABI 1.2). */
    public static long revertReadyOffset(int direction) {
        return checkEnd(direction) == 0 ? REVERT_READY0_OFFSET : REVERT_READY1_OFFSET;
    }

    /** Offset of the ring table entry of ring {@code index}. */
    public static long ringEntryOffset(int index) {
        return RING_TABLE_OFFSET + (long) index * RingTableEntryDescriptor.SIZE;
    }

    /** Offset of the counters area (first ring's producer line) for {@code ringCount} rings. */
    public static long countersOffset(int ringCount) {
        return RING_TABLE_OFFSET + (long) ringCount * RingTableEntryDescriptor.SIZE;
    }

    /** Offset of ring {@code index}'s producer counter line for {@code ringCount} rings. */
    public static long producerCountersOffset(int ringCount, int index) {
        return countersOffset(ringCount) + (long) index * RingCountersDescriptor.SIZE_PER_RING;
    }

    /** Header size in bytes for {@code ringCount} rings (a multiple of 64). */
    public static long headerSize(int ringCount) {
        return countersOffset(ringCount) + (long) ringCount * RingCountersDescriptor.SIZE_PER_RING;
    }

    private static long align(long offset) {
        return (offset + CACHE_LINE - 1) & -CACHE_LINE;
    }

    private static int checkEnd(int end) {
        if (end != 0 && end != 1) {
            throw new IllegalArgumentException("end/direction must be 0 or 1: value=" + end);
        }
        return end;
    }
}
