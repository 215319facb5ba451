package org.ovshighway.guest.remap;

/** Where the receiver of one link direction (this guest's receive side) is in the remap protocol. */
public enum ReceiverPhase {
    /** No link role: receives from the old (ring-port) RX rings; stale fences there are consumed. */
    OLD,
    /** Link mapped: drains the old RX rings until the sender's FENCE_IN arrives there. */
    WAITING_FENCE,
    /** FENCE_IN acknowledged: receives from the link, and from the old RX rings (controller PACKET_OUTs). */
    ON_LINK,
    /** Revert asked, revertReady set: reads only the link, up to FENCE_OUT (or, forced, until it is empty). */
    DRAINING,
    /** Link drained: the application may still hold views into the link region until its next burst. */
    RELEASING,
    /** Role finished for this link: receives from the old RX rings. */
    DONE
}
