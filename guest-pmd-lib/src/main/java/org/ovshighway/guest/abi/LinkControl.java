package org.ovshighway.guest.abi;

import java.lang.foreign.MemorySegment;

/**
 * The handshake words of a LINK region (lines 2..8 of {@link RegionHeaderDescriptor}). Each
 * word has one writer; every store is a release and every load an acquire, so whatever the
 * writer did before the store (mapping, draining a ring) is visible to the reader after it.
 */
public final class LinkControl {
    private LinkControl() {
    }

    /** Guest at {@code end}: records that it mapped generation {@code generation} (0 = unmapped). */
    public static void releaseMapped(MemorySegment region, int end, long generation) {
        // pairs with acquireMapped on the agent
        Le.U64_HANDLE.setRelease(region, RegionHeaderDescriptor.mappedOffset(end), generation);
    }

    /** Agent: the generation end {@code end} mapped, 0 if none. */
    public static long acquireMapped(MemorySegment region, int end) {
        return (long) Le.U64_HANDLE.getAcquire(region, RegionHeaderDescriptor.mappedOffset(end));
    }

    /**
     * The {@code usable} value of a link whose revert the agent forced (since ABI 1.3; before,
     * 0): it was usable, and no longer is. A guest tells it from 0 (never usable: a rollback,
     * so nothing can be on the link).
     */
    public static final long USABLE_FORCED = -1L;

    /** Agent: marks generation {@code generation} usable (0 = not usable, {@link #USABLE_FORCED} = forced). */
    public static void releaseUsable(MemorySegment region, long generation) {
        // pairs with acquireUsable in the guests
        Le.U64_HANDLE.setRelease(region, RegionHeaderDescriptor.USABLE_OFFSET, generation);
    }

    /** Guest: the generation the agent made usable, 0 if none. */
    public static long acquireUsable(MemorySegment region) {
        return (long) Le.U64_HANDLE.getAcquire(region, RegionHeaderDescriptor.USABLE_OFFSET);
    }

    /** Receiver of {@code direction}: acknowledges fence {@code fenceSequence}. */
    public static void releaseFenceAck(MemorySegment region, int direction, long fenceSequence) {
        // pairs with acquireFenceAck in the sender of that direction
        Le.U64_HANDLE.setRelease(region, RegionHeaderDescriptor.fenceAckOffset(direction), fenceSequence);
    }

    /** Sender of {@code direction}: the last fence its receiver acknowledged. */
    public static long acquireFenceAck(MemorySegment region, int direction) {
        return (long) Le.U64_HANDLE.getAcquire(region, RegionHeaderDescriptor.fenceAckOffset(direction));
    }

    /**
     * Receiver of {@code direction}: it stopped reading its old RX ring and waits for FENCE_OUT on
     * the link for generation {@code generation} (0 = not ready).
     */
    public static void releaseRevertReady(MemorySegment region, int direction, long generation) {
        // pairs with acquireRevertReady in the sender of that direction: the receiver no longer
        // reads its old RX ring, so the sender's next frames on its old TX ring cannot overtake
        Le.U64_HANDLE.setRelease(region, RegionHeaderDescriptor.revertReadyOffset(direction), generation);
    }

    /** Sender of {@code direction}: the generation whose revert its receiver is ready for, 0 if none. */
    public static long acquireRevertReady(MemorySegment region, int direction) {
        return (long) Le.U64_HANDLE.getAcquire(region, RegionHeaderDescriptor.revertReadyOffset(direction));
    }

    /**
     * Sender of {@code direction}: it left the link of generation {@code generation}; nothing it
     * produces goes on the link after this store.
     */
    public static void releaseSenderLeft(MemorySegment region, int direction, long generation) {
        // pairs with acquireSenderLeft in the receiver of that direction: every frame this sender
        // published on the link is visible to a receiver that sees the store
        Le.U64_HANDLE.setRelease(region, RegionHeaderDescriptor.senderLeftOffset(direction), generation);
    }

    /**
     * Receiver of {@code direction}: it gave up on the link of generation {@code generation}
     * (forced, and the agent asked it for another link before its sender left); it drained the
     * link before this store and never reads it again.
     */
    public static void releaseReceiverGone(MemorySegment region, int direction, long generation) {
        // pairs with acquireReceiverGone in the sender of that direction: the ring's consumer counters
        // are final when the sender sees the store
        Le.U64_HANDLE.setRelease(region, RegionHeaderDescriptor.receiverGoneOffset(direction), generation);
    }

    /** Sender of {@code direction}: the generation whose link its receiver gave up on, 0 if none. */
    public static long acquireReceiverGone(MemorySegment region, int direction) {
        return (long) Le.U64_HANDLE.getAcquire(region, RegionHeaderDescriptor.receiverGoneOffset(direction));
    }

    /** Receiver of {@code direction}: the generation whose link its sender left, 0 if none. */
    public static long acquireSenderLeft(MemorySegment region, int direction) {
        return (long) Le.U64_HANDLE.getAcquire(region, RegionHeaderDescriptor.senderLeftOffset(direction));
    }
}
