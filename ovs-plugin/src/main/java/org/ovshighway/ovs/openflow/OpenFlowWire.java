package org.ovshighway.ovs.openflow;

/**
 * Wire constants of the OpenFlow messages this package encodes or decodes by hand (the ones
 * openflowj 3.6.605 does not handle), with the OVS header file that defines each.
 */
final class OpenFlowWire {

    private OpenFlowWire() {
    }

    // ofp_type values (openflow-common.h, openflow-1.x.h).
    static final int OFPT_HELLO = 0;
    static final int OFPT_VENDOR = 4;
    static final int OFPT_SET_CONFIG = 9;
    static final int OFPT10_STATS_REQUEST = 16;
    static final int OFPT10_BARRIER_REQUEST = 18;
    static final int OFPT11_BARRIER_REQUEST = 20;
    static final int OFPT10_STATS_REPLY = 17;
    static final int OFPT11_MULTIPART_REQUEST = 18;
    static final int OFPT11_MULTIPART_REPLY = 19;
    static final int OFPT13_SET_ASYNC = 28;
    static final int OFPT14_REQUESTFORWARD = 32;

    /** ofp_multipart_types / ofp_stats_types. */
    static final int OFPMP_GROUP_DESC = 7;
    static final int OFPMP14_FLOW_MONITOR = 16;
    static final int OFPMP_VENDOR = 0xffff;
    /** OFPSF_REPLY_MORE / OFPMPF_REPLY_MORE in a multipart reply's flags. */
    static final int REPLY_MORE = 1;

    /** Vendor (experimenter) ids. */
    static final long NX_VENDOR_ID = 0x00002320L;
    static final long ONF_EXPERIMENTER_ID = 0x4f4e4600L;

    // Nicira message and stats subtypes (nicira-ext.h, ofp-msgs.h).
    static final long NXST_FLOW_MONITOR = 2;
    static final long NXT_SET_ASYNC_CONFIG2 = 27;
    static final long NXT_FLOW_MONITOR_PAUSED = 22;
    static final long NXT_FLOW_MONITOR_RESUMED = 23;
    static final long NXT_REQUESTFORWARD = 132;

    // ONF experimenter types for OpenFlow 1.3 (openflow-1.3.h, ofp-msgs.h).
    static final long ONFST_FLOW_MONITOR = 1870;
    static final long ONFT_FLOW_MONITOR_PAUSED = 1871;
    static final long ONFT_FLOW_MONITOR_RESUMED = 1872;
    static final long ONFT_REQUESTFORWARD = 2350;

    /** Flow-monitor request flags; the NX and OpenFlow 1.4 bits agree for everything used here. */
    static final int FMF_INITIAL = 1;
    static final int FMF_ADD = 1 << 1;
    static final int FMF_REMOVED = 1 << 2;
    static final int FMF_MODIFY = 1 << 3;
    static final int FMF_INSTRUCTIONS = 1 << 4;
    /** NXFMF_OWN / OFPFMF_NO_ABBREV: report this connection's own changes in full, never abbreviated. */
    static final int FMF_OWN = 1 << 5;

    /** Every table (OFPTT_ALL), any port (OFPP_NONE / OFPP_ANY), any group (OFPG_ANY). */
    static final int TABLE_ALL = 0xff;
    static final int OF10_PORT_NONE = 0xffff;
    static final long PORT_ANY = 0xffffffffL;
    static final long GROUP_ANY = 0xffffffffL;

    /** OFPACPT_* property types of OpenFlow 1.4 async configuration (also NXT_SET_ASYNC_CONFIG2). */
    static final int ACPT_PACKET_IN_SLAVE = 0;
    static final int ACPT_PACKET_IN_MASTER = 1;
    static final int ACPT_PORT_STATUS_SLAVE = 2;
    static final int ACPT_PORT_STATUS_MASTER = 3;
    static final int ACPT_FLOW_REMOVED_SLAVE = 4;
    static final int ACPT_FLOW_REMOVED_MASTER = 5;
    static final int ACPT_REQUESTFORWARD_SLAVE = 10;
    static final int ACPT_REQUESTFORWARD_MASTER = 11;
    /** Bit of OFPRFR_GROUP_MOD in a requestforward mask. */
    static final int RFR_GROUP_MOD_BIT = 1;
}
