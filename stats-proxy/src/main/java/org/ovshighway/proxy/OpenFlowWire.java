package org.ovshighway.proxy;

/**
 * OpenFlow header numbers the proxy's decoders share (OpenFlow 1.0–1.5 specifications, OVS's
 * {@code ofp-msgs.h} for the Nicira extension). Only what more than one decoder reads is here.
 */
public final class OpenFlowWire {
    /** ofp_header.version of OpenFlow 1.0. */
    public static final int OF10 = 1;
    /** ofp_header.version of OpenFlow 1.2. */
    public static final int OF12 = 3;
    /** ofp_header.version of OpenFlow 1.5. */
    public static final int OF15 = 6;
    /** ofp_header.type of EXPERIMENTER (VENDOR in OpenFlow 1.0): the same number in every version. */
    public static final int EXPERIMENTER = 4;
    /** ofp_header.type of FLOW_MOD: the same number in every version. */
    public static final int FLOW_MOD = 14;
    /** Experimenter (vendor) id of Nicira, whose messages OVS speaks. */
    public static final long NICIRA = 0x00002320L;
    /** Nicira subtype of NXT_FLOW_MOD. */
    public static final int NXT_FLOW_MOD = 13;

    private OpenFlowWire() {
    }
}
