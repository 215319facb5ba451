package org.ovshighway.ovs.openflow;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The OpenFlow versions the agent's own connection speaks, each with the flow-monitor dialect OVS
 * uses for it. OpenFlow 1.1 and 1.2 are left out on purpose: OVS monitors them with the Nicira
 * format but they add nothing over 1.0 and 1.3 for Highway.
 */
public enum OpenFlowVersion {
    /** Nicira NXST_FLOW_MONITOR: nx_flow_update_full with an NXM match and OpenFlow 1.0 actions. */
    OF10(0x01, MonitorDialect.NICIRA),
    /** ONF extension ONFST_FLOW_MONITOR (1870): nx_flow_update_full with an OXM match and instructions. */
    OF13(0x04, MonitorDialect.ONF13),
    /** Standard OFPMP_FLOW_MONITOR: ofp_flow_update_full, INITIAL updates marked as such. */
    OF14(0x05, MonitorDialect.STANDARD),
    /** Same flow-monitor format as 1.4. */
    OF15(0x06, MonitorDialect.STANDARD);

    /** How a version's flow-monitor requests and updates are encoded. */
    public enum MonitorDialect { NICIRA, ONF13, STANDARD }

    private final int wire;
    private final MonitorDialect dialect;

    OpenFlowVersion(int wire, MonitorDialect dialect) {
        this.wire = wire;
        this.dialect = dialect;
    }

    /** The same version as openflowj names it. */
    public org.projectfloodlight.openflow.protocol.OFVersion openflowj() {
        return switch (this) {
            case OF10 -> org.projectfloodlight.openflow.protocol.OFVersion.OF_10;
            case OF13 -> org.projectfloodlight.openflow.protocol.OFVersion.OF_13;
            case OF14 -> org.projectfloodlight.openflow.protocol.OFVersion.OF_14;
            case OF15 -> org.projectfloodlight.openflow.protocol.OFVersion.OF_15;
        };
    }

    public int wire() {
        return wire;
    }

    public MonitorDialect dialect() {
        return dialect;
    }

    public static Optional<OpenFlowVersion> fromWire(int wire) {
        for (OpenFlowVersion v : values()) {
            if (v.wire == wire) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /** The HELLO version bitmap (ofp_hello_elem_versionbitmap, one 32-bit word) announcing {@code versions}. */
    public static int bitmapOf(Set<OpenFlowVersion> versions) {
        int bitmap = 0;
        for (OpenFlowVersion v : versions) {
            bitmap |= 1 << v.wire;
        }
        return bitmap;
    }

    /**
     * The highest version both sides support: from the peer's bitmap when it sent one, else (an
     * OpenFlow 1.0-style HELLO) the lower of the two header versions, as OpenFlow 1.3.1 section 6.3.1 says.
     */
    public static Optional<OpenFlowVersion> negotiate(Set<OpenFlowVersion> ours, int peerHeaderVersion, Integer peerBitmap) {
        EnumSet<OpenFlowVersion> common = EnumSet.noneOf(OpenFlowVersion.class);
        for (OpenFlowVersion v : ours) {
            boolean peerHas = peerBitmap != null ? (peerBitmap & (1 << v.wire)) != 0 : v.wire <= peerHeaderVersion;
            if (peerHas) {
                common.add(v);
            }
        }
        if (peerBitmap == null) {
            // Without a bitmap the peer speaks exactly min(ours, its) and nothing else below it is promised.
            int highestOurs = ours.stream().mapToInt(OpenFlowVersion::wire).max().orElse(0);
            return fromWire(Math.min(highestOurs, peerHeaderVersion)).filter(ours::contains);
        }
        return common.stream().max(Enum::compareTo);
    }

    public static OpenFlowVersion highest(Set<OpenFlowVersion> versions) {
        return versions.stream().max(Enum::compareTo).orElseThrow(() -> new IllegalArgumentException("no OpenFlow version offered"));
    }
}
