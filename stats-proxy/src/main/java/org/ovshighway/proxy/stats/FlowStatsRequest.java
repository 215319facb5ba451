package org.ovshighway.proxy.stats;

import io.netty.buffer.ByteBuf;
import org.ovshighway.p2p.flow.Match;

/**
 * What a flow or aggregate statistics request selects, in the terms OVS applies
 * ({@code ofproto.c collect_rules_loose}): a table or all, the flow's own actions outputting to
 * {@code outPort}/{@code outGroup} unless those are ANY, {@code (flow.cookie & cookieMask) == cookie},
 * and the flow's match at least as specific as {@code match} (non-strict).
 *
 * <pre>
 *  OF1.0 ofp_flow_stats_request:    ofp_match(40) | table_id(1) | pad(1) | out_port(2)
 *  OF1.0 nx_flow_stats_request:     out_port(2) | match_len(2) | table_id(1) | pad(3) | nx_match (cookie as NXM_NX_COOKIE)
 *  OF1.2+ ofp_flow_stats_request:   table_id(1) | pad(3) | out_port(4) | out_group(4) | pad(4) | cookie(8) | cookie_mask(8) | ofp_match (OXM)
 * </pre>
 */
record FlowStatsRequest(int tableId, long outPort, long outGroup, long cookie, long cookieMask, Match match) {

    static final int ALL_TABLES = 0xff;
    static final long ANY = 0xffffffffL;
    private static final int OFPP10_NONE = 0xffff;

    /** The request with its match in {@link CanonicalMatch} form, as {@link #selects} expects. */
    FlowStatsRequest {
        match = CanonicalMatch.of(match);
    }

    /** True when this request selects {@code flow}. */
    boolean selects(FlowExtra flow) {
        return (tableId == ALL_TABLES || tableId == flow.tableId())
                && (outPort == ANY || flow.outPorts().contains(outPort))
                && (outGroup == ANY || flow.outGroups().contains(outGroup))
                && (flow.cookie() & cookieMask) == (cookie & cookieMask)
                && match.covers(CanonicalMatch.of(flow.match()));
    }

    /** Decodes the body of a flow or aggregate request (both have the same body in every version). */
    static FlowStatsRequest decode(ByteBuf buf, StatsEnvelope env) throws MalformedStatsException {
        int b = env.body();
        int end = env.end();
        String where = env.describe();
        if (env.version() == StatsEnvelope.OF10 && !env.nicira()) {
            if (end - b < MatchDecoder.OF10_MATCH_LENGTH + 4) {
                throw new MalformedStatsException(where + ": OpenFlow 1.0 flow statistics request truncated: body=" + (end - b));
            }
            Match match = MatchDecoder.of10(buf, b, where);
            return new FlowStatsRequest(buf.getUnsignedByte(b + 40), of10Port(buf.getUnsignedShort(b + 42)), ANY, 0, 0, match);
        }
        if (env.nicira()) {
            if (end - b < 8) {
                throw new MalformedStatsException(where + ": nx_flow_stats_request truncated: body=" + (end - b));
            }
            int matchLength = buf.getUnsignedShort(b + 2);
            if (matchLength > end - b - 8) {
                throw new MalformedStatsException(where + ": nx_flow_stats_request match overruns the message: match_len=" + matchLength
                        + " body=" + (end - b));
            }
            MatchDecoder.Decoded m = MatchDecoder.nxm(buf, b + 8, b + 8 + matchLength, where);
            return new FlowStatsRequest(buf.getUnsignedByte(b + 4), of10Port(buf.getUnsignedShort(b)), ANY, m.cookie(), m.cookieMask(),
                    m.match());
        }
        if (end - b < 32) {
            throw new MalformedStatsException(where + ": flow statistics request truncated: body=" + (end - b));
        }
        Match match = MatchDecoder.oxm(buf, b + 32, end, where);
        return new FlowStatsRequest(buf.getUnsignedByte(b), buf.getUnsignedInt(b + 4), buf.getUnsignedInt(b + 8), buf.getLong(b + 16),
                buf.getLong(b + 24), match);
    }

    /** OpenFlow 1.0 out_port: OFPP_NONE means any; others widened as OpenFlow 1.1+ numbers them. */
    private static long of10Port(int port) {
        if (port == OFPP10_NONE) {
            return ANY;
        }
        return port >= 0xfff8 ? 0xffff0000L | port : port;
    }
}
