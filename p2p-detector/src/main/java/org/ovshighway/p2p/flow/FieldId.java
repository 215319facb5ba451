package org.ovshighway.p2p.flow;

import java.util.Objects;

/**
 * Identifies a match field by its canonical name, the one ovs-ofctl prints (for example
 * {@code in_port}, {@code eth_type}, {@code tcp_dst}). OXM fields of the OpenFlow basic class map to
 * those names through {@link #oxm(int, int)}, so a field reaches the same identity whether it came
 * as an OXM header or by name; fields this model does not know get a synthetic name that still
 * identifies them exactly. Two constraints on the same field are compared byte for byte; the
 * detector never needs to know a field's meaning except for {@code in_port}.
 */
public record FieldId(String name) implements Comparable<FieldId> {

    /** OXM class of the OpenFlow basic fields (OFPXMC_OPENFLOW_BASIC). */
    public static final int OXM_CLASS_OPENFLOW_BASIC = 0x8000;

    /** OVS names of OFPXMC_OPENFLOW_BASIC fields, indexed by OXM field number (OpenFlow 1.5 numbering). */
    private static final String[] BASIC_NAMES = {
        "in_port", "in_phy_port", "metadata", "eth_dst", "eth_src", "eth_type", "vlan_vid", "vlan_pcp",
        "ip_dscp", "ip_ecn", "ip_proto", "ipv4_src", "ipv4_dst", "tcp_src", "tcp_dst", "udp_src",
        "udp_dst", "sctp_src", "sctp_dst", "icmpv4_type", "icmpv4_code", "arp_op", "arp_spa", "arp_tpa",
        "arp_sha", "arp_tha", "ipv6_src", "ipv6_dst", "ipv6_label", "icmpv6_type", "icmpv6_code",
        "nd_target", "nd_sll", "nd_tll", "mpls_label", "mpls_tc", "mpls_bos", "pbb_isid", "tunnel_id",
        "ipv6_exthdr", "reserved_40", "pbb_uca", "tcp_flags", "actset_output", "packet_type",
    };

    public static final FieldId IN_PORT = new FieldId("in_port");
    public static final FieldId METADATA = new FieldId("metadata");
    public static final FieldId ETH_DST = new FieldId("eth_dst");
    public static final FieldId ETH_SRC = new FieldId("eth_src");
    public static final FieldId ETH_TYPE = new FieldId("eth_type");
    public static final FieldId VLAN_VID = new FieldId("vlan_vid");
    public static final FieldId VLAN_PCP = new FieldId("vlan_pcp");
    public static final FieldId IP_PROTO = new FieldId("ip_proto");
    public static final FieldId IPV4_SRC = new FieldId("ipv4_src");
    public static final FieldId IPV4_DST = new FieldId("ipv4_dst");
    public static final FieldId TCP_SRC = new FieldId("tcp_src");
    public static final FieldId TCP_DST = new FieldId("tcp_dst");
    public static final FieldId UDP_SRC = new FieldId("udp_src");
    public static final FieldId UDP_DST = new FieldId("udp_dst");

    public FieldId {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || !name.chars().allMatch(c -> c > ' ' && c < 127 && c != ',' && c != '=')) {
            throw new IllegalArgumentException("field name must be printable ASCII without spaces, ',' or '=': name='" + name + "'");
        }
    }

    public static FieldId named(String name) {
        return new FieldId(name);
    }

    /** The field of an OXM header: basic-class fields by their OVS name, any other class or number by a synthetic exact name. */
    public static FieldId oxm(int oxmClass, int oxmField) {
        if (oxmClass < 0 || oxmClass > 0xffff || oxmField < 0 || oxmField > 0x7f) {
            throw new IllegalArgumentException("OXM class or field out of range: class=" + oxmClass + " field=" + oxmField);
        }
        if (oxmClass == OXM_CLASS_OPENFLOW_BASIC && oxmField < BASIC_NAMES.length) {
            return new FieldId(BASIC_NAMES[oxmField]);
        }
        return new FieldId(String.format("oxm_0x%04x_%d", oxmClass, oxmField));
    }

    @Override
    public int compareTo(FieldId other) {
        return name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
