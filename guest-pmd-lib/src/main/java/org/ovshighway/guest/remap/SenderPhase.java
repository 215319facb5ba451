package org.ovshighway.guest.remap;

/** Where the sender of one link direction (this guest's transmit side) is in the remap protocol. */
public enum SenderPhase {
    /** No link role: transmits on the old (ring-port) TX ring. */
    OLD,
    /** Link mapped, not yet usable: transmits on the old ring and checks {@code usable} each burst. */
    MAPPED,
    /** FENCE_IN is on the old ring: transmits on the link and repeats FENCE_IN until it is acknowledged. */
    FENCING,
    /** Fence acknowledged: transmits on the link; only the request word is checked per burst. */
    ON_LINK,
    /**
     * Revert asked: still transmits on the link until the receiver is ready (revertReady), then
     * puts FENCE_OUT on the link and goes back to the old ring.
     */
    REVERTING,
    /** Role finished for this link (reverted, rolled back or forced): transmits on the old ring. */
    DONE;

    /** Whether data of this phase goes on the link ring. */
    boolean sendsOnLink() {
        return this == FENCING || this == ON_LINK || this == REVERTING;
    }
}
