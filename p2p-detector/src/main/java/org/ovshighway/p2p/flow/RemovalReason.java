package org.ovshighway.p2p.flow;

/** Why a flow entry left the table (OFPRR_* plus an explicit DELETE by a client). */
public enum RemovalReason {
    /** A client deleted it (flow-mod delete, or a flow-monitor "deleted" update without a reason). */
    DELETE,
    IDLE_TIMEOUT,
    HARD_TIMEOUT,
    /** Removed because the group it referenced was deleted. */
    GROUP_DELETE,
    /** Removed because the meter it referenced was deleted. */
    METER_DELETE,
    /** Evicted to make room in a full table. */
    EVICTION,
    /** The source did not say. */
    UNKNOWN
}
