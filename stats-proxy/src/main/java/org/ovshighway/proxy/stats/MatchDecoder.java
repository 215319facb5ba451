package org.ovshighway.proxy.stats;

import io.netty.buffer.ByteBuf;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.ovshighway.p2p.flow.FieldId;
import org.ovshighway.p2p.flow.FieldMatch;
import org.ovshighway.p2p.flow.Match;
import org.ovshighway.p2p.flow.PortNo;

/**
 * Turns the three match encodings of statistics messages into the detector's {@link Match} model,
 * with the field names ovs-plugin's flow-monitor decoders give the agent's mirror (so a flow the
 * mirror knows compares equal to the same flow in a reply):
 * <ul>
 *   <li>NXM (OpenFlow 1.0 Nicira messages): NXM_OF fields by their OpenFlow basic names, NXM's
 *       16-bit in_port widened to 32 bits, other classes by their OXM identity;</li>
 *   <li>OXM ({@code ofp_match} type 1, OpenFlow 1.2+): TLV by TLV, byte for byte;</li>
 *   <li>the OpenFlow 1.0 fixed {@code ofp_match} (only with {@code ovs-ofctl -F openflow10}):
 *       converted to the constraints OVS itself derives from it, in NXM naming.</li>
 * </ul>
 * Every offset is checked against the given bounds before it is read.
 */
final class MatchDecoder {

    private static final int OXM_CLASS_EXPERIMENTER = 0xffff;
    private static final int OFPMT_OXM = 1;
    /** NXM_NX_COOKIE (class 1, field 30): the cookie of an OpenFlow 1.0 Nicira request travels in its match. */
    private static final int NXM_CLASS_NX = 0x0001;
    private static final int NXM_NX_COOKIE = 30;

    /** NXM_OF field numbers 0..17 by OpenFlow basic names (as ovs-plugin's NxmFields); vlan_tci and nw_tos have no OXM twin. */
    private static final String[] NXM_OF_NAMES = {
        "in_port", "eth_dst", "eth_src", "eth_type", "vlan_tci", "nw_tos", "ip_proto", "ipv4_src", "ipv4_dst",
        "tcp_src", "tcp_dst", "udp_src", "udp_dst", "icmpv4_type", "icmpv4_code", "arp_op", "arp_spa", "arp_tpa",
    };

    /** OpenFlow 1.0 ofp_match: 40 bytes. */
    static final int OF10_MATCH_LENGTH = 40;

    private MatchDecoder() {
    }

    /** A match, and for NXM the cookie/mask it carried (mask 0 when none). */
    record Decoded(Match match, long cookie, long cookieMask) {
    }

    /** Pads {@code length} up to a multiple of 8, the alignment of every OpenFlow match. */
    static int pad8(int length) {
        return (length + 7) & ~7;
    }

    /**
     * Reads an OXM {@code ofp_match} at absolute {@code offset}; its padded length must fit before
     * {@code end}. Returns the match; {@link #oxmMatchPaddedLength} gives its footprint.
     */
    static Match oxm(ByteBuf buf, int offset, int end, String where) throws MalformedStatsException {
        int length = oxmMatchPaddedLength(buf, offset, end, where);
        int declared = buf.getUnsignedShort(offset + 2);
        return tlvs(buf, offset + 4, offset + declared, false, where).match();
    }

    /** The padded length of the OXM ofp_match at {@code offset}, validated against {@code end}. */
    static int oxmMatchPaddedLength(ByteBuf buf, int offset, int end, String where) throws MalformedStatsException {
        if (end - offset < 4) {
            throw new MalformedStatsException(where + ": ofp_match header truncated: remaining=" + (end - offset));
        }
        int type = buf.getUnsignedShort(offset);
        int length = buf.getUnsignedShort(offset + 2);
        if (type != OFPMT_OXM) {
            throw new MalformedStatsException(where + ": ofp_match type is not OXM: type=" + type);
        }
        if (length < 4 || pad8(length) > end - offset) {
            throw new MalformedStatsException(where + ": ofp_match length out of bounds: length=" + length
                    + " remaining=" + (end - offset));
        }
        return pad8(length);
    }

    /** Reads NXM TLVs filling exactly [{@code offset}, {@code end}); NXM_NX_COOKIE is returned apart. */
    static Decoded nxm(ByteBuf buf, int offset, int end, String where) throws MalformedStatsException {
        return tlvs(buf, offset, end, true, where);
    }

    private static Decoded tlvs(ByteBuf buf, int offset, int end, boolean nxm, String where) throws MalformedStatsException {
        Map<FieldId, FieldMatch> fields = new HashMap<>();
        long cookie = 0;
        long cookieMask = 0;
        boolean sawCookie = false;
        int at = offset;
        while (at < end) {
            if (end - at < 4) {
                throw new MalformedStatsException(where + ": match field header truncated: offset=" + at + " remaining=" + (end - at));
            }
            long header = buf.getUnsignedInt(at);
            int cls = (int) (header >>> 16);
            int field = (int) (header >>> 9) & 0x7f;
            boolean hasMask = (header & 0x100) != 0;
            int length = (int) (header & 0xff);
            int value = at + 4;
            if (length > end - value) {
                throw new MalformedStatsException(where + ": match field overruns the match: offset=" + at + " class=0x"
                        + Integer.toHexString(cls) + " field=" + field + " length=" + length + " remaining=" + (end - value));
            }
            int payload = length;
            FieldId id;
            if (!nxm && cls == OXM_CLASS_EXPERIMENTER) {
                if (length < 4) {
                    throw new MalformedStatsException(where + ": experimenter match field without experimenter id: offset=" + at);
                }
                id = FieldId.named(String.format("oxm_exp_0x%08x_%d", buf.getUnsignedInt(value), field));
                value += 4;
                payload -= 4;
            } else if (nxm && cls == 0 && field < NXM_OF_NAMES.length) {
                id = FieldId.named(NXM_OF_NAMES[field]);
            } else {
                id = FieldId.oxm(cls, field);
            }
            if (payload == 0 || (hasMask && payload % 2 != 0)) {
                throw new MalformedStatsException(where + ": match field has a bad payload length: offset=" + at + " field=" + id
                        + " length=" + payload + " hasMask=" + hasMask);
            }
            int valueLength = hasMask ? payload / 2 : payload;
            byte[] v = new byte[valueLength];
            buf.getBytes(value, v);
            byte[] m = null;
            if (hasMask) {
                m = new byte[valueLength];
                buf.getBytes(value + valueLength, m);
            }
            at = value + payload;
            if (nxm && cls == NXM_CLASS_NX && field == NXM_NX_COOKIE) {
                if (valueLength != 8 || sawCookie) {
                    throw new MalformedStatsException(where + ": bad NXM_NX_COOKIE: length=" + valueLength + " repeated=" + sawCookie);
                }
                sawCookie = true;
                cookie = toLong(v);
                cookieMask = m == null ? -1L : toLong(m);
                continue;
            }
            FieldMatch constraint = constraint(id, v, m, nxm, where);
            if (fields.put(constraint.field(), constraint) != null) {
                throw new MalformedStatsException(where + ": match names a field twice: field=" + constraint.field());
            }
        }
        try {
            return new Decoded(new Match(fields), cookie & cookieMask, cookieMask);
        } catch (IllegalArgumentException e) {
            throw new MalformedStatsException(where + ": " + e.getMessage());
        }
    }

    private static FieldMatch constraint(FieldId id, byte[] value, byte[] mask, boolean nxm, String where) throws MalformedStatsException {
        try {
            if (nxm && id.equals(FieldId.IN_PORT)) {
                if (value.length != 2 || mask != null) {
                    throw new MalformedStatsException(where + ": NXM in_port must be 2 bytes, unmasked: length=" + value.length
                            + " masked=" + (mask != null));
                }
                return FieldMatch.inPort(PortNo.fromOf10(((value[0] & 0xff) << 8) | (value[1] & 0xff)));
            }
            return new FieldMatch(id, value, mask);
        } catch (IllegalArgumentException e) {
            throw new MalformedStatsException(where + ": " + e.getMessage());
        }
    }

    private static long toLong(byte[] b) {
        long n = 0;
        for (byte x : b) {
            n = (n << 8) | (x & 0xff);
        }
        return n;
    }

    // OpenFlow 1.0 ofp_match wildcard bits (openflow-1.0.h)
    private static final int OFPFW10_IN_PORT = 1;
    private static final int OFPFW10_DL_VLAN = 1 << 1;
    private static final int OFPFW10_DL_SRC = 1 << 2;
    private static final int OFPFW10_DL_DST = 1 << 3;
    private static final int OFPFW10_DL_TYPE = 1 << 4;
    private static final int OFPFW10_NW_PROTO = 1 << 5;
    private static final int OFPFW10_TP_SRC = 1 << 6;
    private static final int OFPFW10_TP_DST = 1 << 7;
    private static final int OFPFW10_NW_SRC_SHIFT = 8;
    private static final int OFPFW10_NW_DST_SHIFT = 14;
    private static final int OFPFW10_DL_VLAN_PCP = 1 << 20;
    private static final int OFPFW10_NW_TOS = 1 << 21;
    private static final int OFP_VLAN_NONE = 0xffff;
    private static final int ETH_TYPE_IP = 0x0800;
    private static final int ETH_TYPE_ARP = 0x0806;

    /**
     * Converts the OpenFlow 1.0 {@code ofp_match} at {@code offset} (40 bytes, bounds checked by the
     * caller) the way OVS interprets it, in NXM naming: dl_vlan/dl_vlan_pcp become one masked
     * vlan_tci, nw_proto is arp_op for ARP, nw_src/nw_dst are arp_spa/arp_tpa for ARP, tp_src/tp_dst
     * become tcp_, udp_, sctp_ or icmpv4_ fields by nw_proto. Fields OVS ignores without their
     * prerequisite (nw_* without IPv4/ARP, tp_* without a transport protocol) are ignored here too.
     */
    static Match of10(ByteBuf buf, int offset, String where) throws MalformedStatsException {
        int w = buf.getInt(offset);
        Map<FieldId, FieldMatch> f = new HashMap<>();
        try {
            if ((w & OFPFW10_IN_PORT) == 0) {
                put(f, FieldMatch.inPort(PortNo.fromOf10(buf.getUnsignedShort(offset + 4))));
            }
            if ((w & OFPFW10_DL_SRC) == 0) {
                put(f, FieldMatch.exact(FieldId.ETH_SRC, bytes(buf, offset + 6, 6)));
            }
            if ((w & OFPFW10_DL_DST) == 0) {
                put(f, FieldMatch.exact(FieldId.ETH_DST, bytes(buf, offset + 12, 6)));
            }
            vlanTci(buf, offset, w).ifPresent(c -> put(f, c));
            int dlType = buf.getUnsignedShort(offset + 22);
            boolean typeKnown = (w & OFPFW10_DL_TYPE) == 0;
            if (typeKnown) {
                put(f, FieldMatch.exact(FieldId.ETH_TYPE, dlType, 2));
            }
            boolean ip = typeKnown && dlType == ETH_TYPE_IP;
            boolean arp = typeKnown && dlType == ETH_TYPE_ARP;
            int nwProto = buf.getUnsignedByte(offset + 25);
            boolean protoKnown = (w & OFPFW10_NW_PROTO) == 0;
            if (ip && (w & OFPFW10_NW_TOS) == 0) {
                put(f, FieldMatch.exact(FieldId.named("nw_tos"), buf.getUnsignedByte(offset + 24) & 0xfc, 1));
            }
            if (ip && protoKnown) {
                put(f, FieldMatch.exact(FieldId.IP_PROTO, nwProto, 1));
            } else if (arp && protoKnown) {
                put(f, FieldMatch.exact(FieldId.named("arp_op"), nwProto, 2));
            }
            if (ip || arp) {
                prefix(f, FieldId.named(ip ? "ipv4_src" : "arp_spa"), buf.getInt(offset + 28), (w >>> OFPFW10_NW_SRC_SHIFT) & 0x3f);
                prefix(f, FieldId.named(ip ? "ipv4_dst" : "arp_tpa"), buf.getInt(offset + 32), (w >>> OFPFW10_NW_DST_SHIFT) & 0x3f);
            }
            if (ip && protoKnown) {
                String[] names = switch (nwProto) {
                    case 6 -> new String[] {"tcp_src", "tcp_dst"};
                    case 17 -> new String[] {"udp_src", "udp_dst"};
                    case 132 -> new String[] {"sctp_src", "sctp_dst"};
                    case 1 -> new String[] {"icmpv4_type", "icmpv4_code"};
                    default -> null;
                };
                if (names != null) {
                    int width = nwProto == 1 ? 1 : 2;
                    if ((w & OFPFW10_TP_SRC) == 0) {
                        put(f, FieldMatch.exact(FieldId.named(names[0]), buf.getUnsignedShort(offset + 36) & (width == 1 ? 0xff : 0xffff), width));
                    }
                    if ((w & OFPFW10_TP_DST) == 0) {
                        put(f, FieldMatch.exact(FieldId.named(names[1]), buf.getUnsignedShort(offset + 38) & (width == 1 ? 0xff : 0xffff), width));
                    }
                }
            }
            return new Match(f);
        } catch (IllegalArgumentException e) {
            throw new MalformedStatsException(where + ": OpenFlow 1.0 match: " + e.getMessage());
        }
    }

    /** OVS's vlan_tci from dl_vlan/dl_vlan_pcp: VLAN_CFI (0x1000) marks a present tag, OFP_VLAN_NONE an absent one. */
    private static Optional<FieldMatch> vlanTci(ByteBuf buf, int offset, int w) {
        boolean vidKnown = (w & OFPFW10_DL_VLAN) == 0;
        boolean pcpKnown = (w & OFPFW10_DL_VLAN_PCP) == 0;
        int vid = buf.getUnsignedShort(offset + 18);
        int pcp = buf.getUnsignedByte(offset + 20) & 7;
        FieldId tci = FieldId.named("vlan_tci");
        if (vidKnown && vid == OFP_VLAN_NONE) {
            return Optional.of(FieldMatch.exact(tci, 0, 2));
        }
        int value = 0;
        int mask = 0;
        if (vidKnown) {
            value |= 0x1000 | (vid & 0x0fff);
            mask |= 0x1fff;
        }
        if (pcpKnown) {
            value |= 0x1000 | (pcp << 13);
            mask |= 0xf000;
        }
        return mask == 0 ? Optional.empty() : Optional.of(FieldMatch.masked(tci, value, mask, 2));
    }

    private static void prefix(Map<FieldId, FieldMatch> f, FieldId id, int address, int wildBits) {
        if (wildBits >= 32) {
            return;
        }
        long mask = (0xffffffffL << wildBits) & 0xffffffffL;
        put(f, FieldMatch.masked(id, address & 0xffffffffL & mask, mask, 4));
    }

    private static void put(Map<FieldId, FieldMatch> f, FieldMatch c) {
        f.put(c.field(), c);
    }

    private static byte[] bytes(ByteBuf buf, int offset, int length) {
        byte[] b = new byte[length];
        buf.getBytes(offset, b);
        return b;
    }
}
