package org.ovshighway.p2p.flow;

/** OpenFlow group types (OFPGT_*). */
public enum GroupType {
    /** Every bucket executes (multicast, flooding). */
    ALL,
    /** One bucket chosen by the switch, weighted. */
    SELECT,
    /** Exactly one bucket. */
    INDIRECT,
    /** First bucket whose watched port or group is live. */
    FAST_FAILOVER
}
