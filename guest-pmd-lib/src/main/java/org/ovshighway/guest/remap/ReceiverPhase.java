package org.ovshighway.guest.remap;

/** Where the receiver of one link direction (this guest's receive side) is in the remap protocol. */
public enum ReceiverPhase {
    /** No link role: receives from the old (ring-port) RX rings; stale fences there are consumed. */
    OLD,
    /** Link mapped: drains the old RX rings until the sender's FENCE_IN arrives there. */
    WAITING_FENCE,
    /** FENCE_IN acknowledged: receives from the link, and from the old RX rings (controller PACKET_OUTs). */
    ON_LINK,
    /**
     * Revert asked, revertReady set: reads only the link, up to FENCE_OUT. Forced: until it is
     * empty and the sender has left it (senderLeft); meanwhile the old rings only for what they
     * held before each look at senderLeft.
     */
    DRAINING,
    /**
     * Forced before FENCE_IN was consumed: delivers from the old rings up to FENCE_IN, then drains
     * the link (DRAINING); gives up on the link's frames (dropped, counted) when no FENCE_IN comes.
     */
    SEEKING_FENCE,
    /** Link drained: the application may still hold views into the link region until its next burst. */
    RELEASING,
    /** Role finished for this link: receives from the old RX rings. */
    DONE
}
