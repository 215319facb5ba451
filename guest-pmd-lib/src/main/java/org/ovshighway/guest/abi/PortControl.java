package org.ovshighway.guest.abi;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * The control words of a PORT region: the agent's request (line 2) and the guest's
 * acknowledgement (line 3), see {@link RegionHeaderDescriptor}.
 *
 * <p>Request word: bits 0..7 opcode, bits 8..63 sequence. The agent is the only writer and
 * publishes like a seqlock: it stores an odd sequence, writes link id and generation, then stores
 * the next even sequence with the opcode using a release store. An idle guest checks for news
 * with one acquire load of the word ({@link #acquireRequestWord}); {@link #readRequest} returns
 * the full request only when the word was stable (even and unchanged around the payload reads).
 */
public final class PortControl {
    /** No request (also the state of a fresh region). */
    public static final int OP_NONE = 0;
    /** Attach link {@code linkId} of generation {@code generation}. */
    public static final int OP_ATTACH = 1;
    /** Detach the current link. */
    public static final int OP_DETACH = 2;

    /** Acknowledgement status: the request was carried out. */
    public static final long STATUS_DONE = 0;
    /** Acknowledgement status: the guest could not carry the request out (e.g. device absent). */
    public static final long STATUS_FAILED = 1;

    private PortControl() {
    }

    /**
     * A stable request.
     *
     * @param word       the request word it was read from (what an acknowledgement repeats)
     * @param opcode     OP_NONE, OP_ATTACH or OP_DETACH (other values pass through; callers reject them)
     * @param sequence   even sequence number, increases by 2 per request
     * @param linkId     link to attach
     * @param generation link generation to expect
     * @param device     where the link's device is ({@link PciAddress#word()}), 0 = not given
     *                   (ABI 1.4; always 0 in a region an older agent wrote)
     */
    public record Request(long word, int opcode, long sequence, long linkId, long generation, long device) {
        /** A request that names no device. */
        public Request(long word, int opcode, long sequence, long linkId, long generation) {
            this(word, opcode, sequence, linkId, generation, PciAddress.NONE);
        }

        /** The device address this request names, or null (none given, or not a valid encoding). */
        public PciAddress deviceAddress() {
            return PciAddress.fromWord(device);
        }
    }

    /** Opcode of a request word. */
    public static int opcode(long word) {
        return (int) (word & 0xff);
    }

    /** Sequence of a request word. */
    public static long sequence(long word) {
        return word >>> 8;
    }

    /**
     * Agent side: publishes a new request and returns its word. Only one thread of one agent may
     * call this for a region.
     */
    public static long publishRequest(MemorySegment region, int opcode, long linkId, long generation) {
        return publishRequest(region, opcode, linkId, generation, PciAddress.NONE);
    }

    /**
     * As {@link #publishRequest(MemorySegment, int, long, long)}, naming where the link's device
     * is for the guest ({@code device}: {@link PciAddress#word()}, or 0). The word is part of the
     * request's payload (written between the odd and the even sequence).
     */
    public static long publishRequest(MemorySegment region, int opcode, long linkId, long generation, long device) {
        if (opcode < 0 || opcode > 0xff) {
            throw new IllegalArgumentException("opcode out of range 0..255: opcode=" + opcode);
        }
        long current = (long) Le.U64_HANDLE.getOpaque(region, RegionHeaderDescriptor.REQUEST_WORD_OFFSET);
        long sequence = sequence(current) & ~1L;
        Le.U64_HANDLE.setOpaque(region, RegionHeaderDescriptor.REQUEST_WORD_OFFSET, (sequence + 1) << 8);
        // orders the odd "in progress" word before the payload stores (seqlock writer)
        VarHandle.storeStoreFence();
        Le.U64_HANDLE.setOpaque(region, RegionHeaderDescriptor.REQUEST_LINK_ID_OFFSET, linkId);
        Le.U64_HANDLE.setOpaque(region, RegionHeaderDescriptor.REQUEST_GENERATION_OFFSET, generation);
        Le.U64_HANDLE.setOpaque(region, RegionHeaderDescriptor.REQUEST_DEVICE_OFFSET, device);
        long word = ((sequence + 2) << 8) | opcode;
        // pairs with the acquire load in acquireRequestWord / readRequest
        Le.U64_HANDLE.setRelease(region, RegionHeaderDescriptor.REQUEST_WORD_OFFSET, word);
        return word;
    }

    /** Guest side: the request word, one acquire load (pairs with the release in publishRequest). */
    public static long acquireRequestWord(MemorySegment region) {
        return (long) Le.U64_HANDLE.getAcquire(region, RegionHeaderDescriptor.REQUEST_WORD_OFFSET);
    }

    /** Guest side: the current request, or {@code null} while the agent is writing one (retry later). */
    public static Request readRequest(MemorySegment region) {
        long word = acquireRequestWord(region);
        if ((sequence(word) & 1) != 0) {
            return null;
        }
        long linkId = (long) Le.U64_HANDLE.getOpaque(region, RegionHeaderDescriptor.REQUEST_LINK_ID_OFFSET);
        long generation = (long) Le.U64_HANDLE.getOpaque(region, RegionHeaderDescriptor.REQUEST_GENERATION_OFFSET);
        long device = (long) Le.U64_HANDLE.getOpaque(region, RegionHeaderDescriptor.REQUEST_DEVICE_OFFSET);
        // orders the payload loads before the re-check of the word (seqlock reader)
        VarHandle.loadLoadFence();
        long again = (long) Le.U64_HANDLE.getOpaque(region, RegionHeaderDescriptor.REQUEST_WORD_OFFSET);
        if (again != word) {
            return null;
        }
        return new Request(word, opcode(word), sequence(word), linkId, generation, device);
    }

    /** Guest side: acknowledges the request with word {@code requestWord}. */
    public static void acknowledge(MemorySegment region, long requestWord, long status) {
        Le.U64_HANDLE.setOpaque(region, RegionHeaderDescriptor.ACK_STATUS_OFFSET, status);
        // publishes the status with the word; pairs with the acquire in acquireAckWord
        Le.U64_HANDLE.setRelease(region, RegionHeaderDescriptor.ACK_WORD_OFFSET, requestWord);
    }

    /** Agent side: the request word the guest last acknowledged (acquire; pairs with acknowledge). */
    public static long acquireAckWord(MemorySegment region) {
        return (long) Le.U64_HANDLE.getAcquire(region, RegionHeaderDescriptor.ACK_WORD_OFFSET);
    }

    /** Agent side: status of the last acknowledgement; read after {@link #acquireAckWord}. */
    public static long ackStatus(MemorySegment region) {
        return (long) Le.U64_HANDLE.getOpaque(region, RegionHeaderDescriptor.ACK_STATUS_OFFSET);
    }
}
