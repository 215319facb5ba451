package org.ovshighway.remapper;

/** How a link ended. */
public enum LinkOutcome {
    /** Still open. */
    OPEN,
    /** Reverted by the protocol: nothing lost, reordered or duplicated. */
    REVERTED,
    /** Never became usable (an end did not map in time, or the revert came first): traffic never left OVS. */
    ROLLED_BACK,
    /** A guest stopped responding after usable: the agent gave up; frames in flight on the link may be lost. */
    FORCED,
    /** The region could not be created or attached; nothing was published. */
    FAILED
}
