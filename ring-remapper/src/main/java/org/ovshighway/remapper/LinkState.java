package org.ovshighway.remapper;

/** Where one link is in its lifecycle (docs/remap-protocol.md); the supervisor moves it. */
public enum LinkState {
    /** Region created and attached to both guests, ATTACH published; waiting for both mapped[end] (map deadline). */
    ATTACHING,
    /**
     * A standby link ({@link LinkSupervisor#standby}): both ends mapped, usable withheld, no
     * deadline; nothing is on it. {@link LinkSupervisor#activate} publishes usable (-> USABLE), a
     * revert rolls it back (-> ROLLING_BACK).
     */
    STANDBY,
    /** usable published; waiting for every direction's FENCE_IN acknowledgement (fence deadline). */
    USABLE,
    /** Every direction runs on the link; the vSwitch is out of the path. */
    ACTIVE,
    /** DETACH published after ACTIVE; waiting for FENCE_OUT acknowledgements and both ends unmapped (revert deadline). */
    REVERTING,
    /** A deadline passed after usable: usable cleared, DETACH published; waiting a grace period for unmapping. */
    FORCING,
    /** The map deadline passed (or a revert came before usable): DETACH published; waiting a grace period. */
    ROLLING_BACK,
    /** Devices detached, counters folded, region deleted. */
    CLOSED
}
