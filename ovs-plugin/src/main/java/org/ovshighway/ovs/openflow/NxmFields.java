package org.ovshighway.ovs.openflow;

import org.ovshighway.p2p.flow.FieldId;
import org.ovshighway.p2p.flow.FieldMatch;
import org.ovshighway.p2p.flow.PortNo;

/**
 * Names of the Nicira NXM_OF_* fields (class 0x0000, nicira-ext.h / meta-flow.h) that have an
 * OpenFlow basic equivalent, so an OpenFlow 1.0 session yields the same field identities as 1.3+.
 * NXM_NX_* fields (class 0x0001) keep OVS's numbering, which is the same in NXM and OXM.
 */
final class NxmFields {

    private static final int NXM_OF = 0x0000;

    /** NXM_OF field numbers 0..17 to OpenFlow basic names; vlan_tci (4) and nw_tos (5) have no exact OXM twin. */
    private static final String[] NXM_OF_NAMES = {
        "in_port", "eth_dst", "eth_src", "eth_type", "vlan_tci", "nw_tos", "ip_proto", "ipv4_src", "ipv4_dst",
        "tcp_src", "tcp_dst", "udp_src", "udp_dst", "icmpv4_type", "icmpv4_code", "arp_op", "arp_spa", "arp_tpa",
    };

    private NxmFields() {
    }

    static FieldId fieldId(int nxmClass, int field) {
        if (nxmClass == NXM_OF && field < NXM_OF_NAMES.length) {
            return FieldId.named(NXM_OF_NAMES[field]);
        }
        return FieldId.oxm(nxmClass, field);
    }

    /** Builds the constraint; NXM's 16-bit in_port becomes the model's 32-bit port number. */
    static FieldMatch normalise(FieldId id, byte[] value, byte[] mask, boolean nxm, String where) throws MalformedUpdateException {
        if (nxm && id.equals(FieldId.IN_PORT)) {
            if (value.length != 2 || mask != null) {
                throw new MalformedUpdateException(where + ": NXM in_port must be 2 bytes, unmasked: length=" + value.length
                        + " masked=" + (mask != null));
            }
            int of10 = ((value[0] & 0xff) << 8) | (value[1] & 0xff);
            try {
                return FieldMatch.inPort(PortNo.fromOf10(of10));
            } catch (IllegalArgumentException e) {
                throw new MalformedUpdateException(where + ": " + e.getMessage(), e);
            }
        }
        try {
            return new FieldMatch(id, value, mask);
        } catch (IllegalArgumentException e) {
            throw new MalformedUpdateException(where + ": " + e.getMessage(), e);
        }
    }
}
