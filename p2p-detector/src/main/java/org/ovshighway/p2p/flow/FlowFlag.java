package org.ovshighway.p2p.flow;

/** OpenFlow flow-mod flags (OFPFF_*) as reported with a flow entry. */
public enum FlowFlag {
    SEND_FLOW_REM,
    CHECK_OVERLAP,
    RESET_COUNTS,
    NO_PKT_COUNTS,
    NO_BYT_COUNTS
}
