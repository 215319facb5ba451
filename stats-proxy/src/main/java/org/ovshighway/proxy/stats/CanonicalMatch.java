package org.ovshighway.proxy.stats;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.ovshighway.p2p.flow.FieldId;
import org.ovshighway.p2p.flow.FieldMatch;
import org.ovshighway.p2p.flow.Match;

/**
 * One form for a match whatever encoding it came in, so that a flow the agent's mirror learnt
 * over one OpenFlow version compares equal to the same flow in a reply of another. OVS writes the
 * same flow as NXM for OpenFlow 1.0, as OXM (with ONF experimenter fields on 1.3/1.4) for 1.2+;
 * the canonical form is the OXM basic one:
 * <ul>
 *   <li>NXM_NX fields with an OXM basic twin (tun_id, arp_sha/tha, ipv6_src/dst, icmpv6, nd_*,
 *       ipv6_label, ip_ecn, tcp_flags) and ONF's tcp_flags/actset_output take the basic name
 *       (same width and value in every encoding);</li>
 *   <li>{@code nw_tos} (NXM_OF_IP_TOS, DSCP in the upper six bits) becomes {@code ip_dscp} (shifted);</li>
 *   <li>OpenFlow 1.5's 64-bit packet registers (OXM_OF_PKT_REG&lt;N&gt;) become the two 32-bit
 *       NXM registers (reg&lt;2N&gt;, reg&lt;2N+1&gt;) earlier versions name;</li>
 *   <li>{@code vlan_tci} becomes {@code vlan_vid}/{@code vlan_pcp} exactly as OVS's
 *       {@code nx_put_raw} writes them for OXM (vid = tci & 0x1fff under mask & 0x1fff; pcp only when
 *       that vid is non-zero and the mask covers pcp bits).</li>
 * </ul>
 * Anything else, and constraints these rules cannot convert (masked nw_tos, other widths), stays
 * as it is: it then still compares equal within one encoding.
 */
final class CanonicalMatch {

    private static final Map<String, String> RENAMES = Map.ofEntries(
            Map.entry("oxm_0x0001_16", "tunnel_id"),
            Map.entry("oxm_0x0001_17", "arp_sha"),
            Map.entry("oxm_0x0001_18", "arp_tha"),
            Map.entry("oxm_0x0001_19", "ipv6_src"),
            Map.entry("oxm_0x0001_20", "ipv6_dst"),
            Map.entry("oxm_0x0001_21", "icmpv6_type"),
            Map.entry("oxm_0x0001_22", "icmpv6_code"),
            Map.entry("oxm_0x0001_23", "nd_target"),
            Map.entry("oxm_0x0001_24", "nd_sll"),
            Map.entry("oxm_0x0001_25", "nd_tll"),
            Map.entry("oxm_0x0001_27", "ipv6_label"),
            Map.entry("oxm_0x0001_28", "ip_ecn"),
            Map.entry("oxm_0x0001_34", "tcp_flags"),
            Map.entry("oxm_exp_0x4f4e4600_42", "tcp_flags"),
            Map.entry("oxm_exp_0x4f4e4600_43", "actset_output"));

    private static final FieldId NW_TOS = FieldId.named("nw_tos");
    private static final FieldId VLAN_TCI = FieldId.named("vlan_tci");
    private static final FieldId IP_DSCP = FieldId.named("ip_dscp");
    /** OXM_OF_PKT_REG&lt;N&gt; (class 0x8001, 64 bits): OVS's xreg N, i.e. NXM_NX_REG&lt;2N&gt; (upper half) and &lt;2N+1&gt;. */
    private static final String PKT_REG_PREFIX = "oxm_0x8001_";

    private CanonicalMatch() {
    }

    static Match of(Match match) {
        boolean unchanged = true;
        for (FieldId f : match.fields().keySet()) {
            if (RENAMES.containsKey(f.name()) || f.equals(NW_TOS) || f.equals(VLAN_TCI) || f.name().startsWith(PKT_REG_PREFIX)) {
                unchanged = false;
                break;
            }
        }
        if (unchanged) {
            return match;
        }
        Map<FieldId, FieldMatch> out = new HashMap<>();
        for (FieldMatch c : match.fields().values()) {
            String rename = RENAMES.get(c.field().name());
            if (rename != null) {
                put(out, new FieldMatch(FieldId.named(rename), c.value(), c.mask()), c);
            } else if (c.field().equals(NW_TOS) && c.isExact() && c.value().length == 1) {
                put(out, FieldMatch.exact(IP_DSCP, (c.valueAsLong() >>> 2) & 0x3f, 1), c);
            } else if (c.field().equals(VLAN_TCI) && c.value().length == 2) {
                vlan(out, c);
            } else if (c.field().name().startsWith(PKT_REG_PREFIX) && c.value().length == 8) {
                packetRegister(out, c);
            } else {
                put(out, c, c);
            }
        }
        return new Match(out);
    }

    private static void vlan(Map<FieldId, FieldMatch> out, FieldMatch tci) {
        int value = (int) tci.valueAsLong();
        byte[] m = tci.mask();
        int mask = m == null ? 0xffff : ((m[0] & 0xff) << 8) | (m[1] & 0xff);
        int vid = value & 0x1fff;
        int vidMask = mask & 0x1fff;
        if (vidMask == 0x1fff) {
            put(out, FieldMatch.exact(FieldId.VLAN_VID, vid, 2), tci);
        } else if (vidMask != 0) {
            put(out, FieldMatch.masked(FieldId.VLAN_VID, vid, vidMask, 2), tci);
        }
        if (vid != 0 && (mask & 0xe000) != 0) {
            put(out, FieldMatch.exact(FieldId.VLAN_PCP, (value >>> 13) & 7, 1), tci);
        }
    }

    /** Splits a 64-bit packet register into the two 32-bit NXM registers OpenFlow 1.0-1.4 name (halves with a zero mask dropped). */
    private static void packetRegister(Map<FieldId, FieldMatch> out, FieldMatch xreg) {
        int n = Integer.parseInt(xreg.field().name().substring(PKT_REG_PREFIX.length()));
        byte[] v = xreg.value();
        byte[] m = xreg.mask();
        for (int half = 0; half < 2; half++) {
            byte[] hv = Arrays.copyOfRange(v, 4 * half, 4 * half + 4);
            byte[] hm = m == null ? null : Arrays.copyOfRange(m, 4 * half, 4 * half + 4);
            FieldMatch reg = new FieldMatch(FieldId.oxm(0x0001, 2 * n + half), hv, hm);
            if (!reg.isWildcard()) {
                put(out, reg, xreg);
            }
        }
    }

    /** Adds a converted constraint; a clash with a constraint already there keeps the original (no canonical form then). */
    private static void put(Map<FieldId, FieldMatch> out, FieldMatch converted, FieldMatch original) {
        FieldMatch previous = out.putIfAbsent(converted.field(), converted);
        if (previous != null && !previous.equals(converted)) {
            out.put(original.field(), original);
        }
    }
}
