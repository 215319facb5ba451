package org.ovshighway.proxy.stats;

import io.netty.buffer.ByteBuf;
import org.ovshighway.p2p.flow.Match;

/**
 * Flow statistics reply entries: adds a flow's extra packets and bytes to its packet_count and
 * byte_count. Each multipart message carries whole entries, so each is handled on its own.
 *
 * <pre>
 *  OF1.0 ofp_flow_stats:    length(2) table_id(1) pad(1) ofp_match(40) @4 | duration(8) @44 | priority(2) @52
 *                           | timeouts, pad @54 | cookie @64 | packet_count @72 | byte_count @80 | actions @88
 *  OF1.0 nx_flow_stats:     length(2) table_id(1) pad(1) duration(8) | priority(2) @12 | timeouts(4) | match_len(2) @18
 *                           | ages(4) | cookie @24 | packet_count @32 | byte_count @40 | nx_match @48 (padded to 8) | actions
 *  OF1.2-1.4 ofp_flow_stats: length(2) table_id(1) pad(1) duration(8) | priority(2) @12 | timeouts, flags, pad/importance
 *                           | cookie @24 | packet_count @32 | byte_count @40 | ofp_match @48 (OXM, padded) | instructions
 *  OF1.5 ofp_flow_desc:     length(2) pad(2) table_id(1) @4 pad(1) | priority(2) @6 | timeouts, flags, importance
 *                           | cookie @16 | ofp_match @24 (OXM, padded) | ofp_stats (OXS, padded) | instructions
 * </pre>
 */
final class FlowStatsReply {

    private FlowStatsReply() {
    }

    static void collect(ByteBuf buf, StatsEnvelope env, FlowExtraIndex extras, PendingWrites out) throws MalformedStatsException {
        int at = env.body();
        int end = env.end();
        int index = 0;
        while (at < end) {
            String where = env.describe() + " flowEntry=" + index;
            if (end - at < 2) {
                throw new MalformedStatsException(where + ": flow entry length truncated: remaining=" + (end - at));
            }
            int length = buf.getUnsignedShort(at);
            if (length > end - at || length % 8 != 0 || length == 0) {
                throw new MalformedStatsException(where + ": flow entry length out of bounds: length=" + length + " remaining=" + (end - at));
            }
            int entryEnd = at + length;
            int table;
            int priority;
            long cookie;
            Match match;
            int packets;
            int bytes;
            if (env.version() == StatsEnvelope.OF15) {
                requireLength(length, 24, where);
                table = buf.getUnsignedByte(at + 4);
                priority = buf.getUnsignedShort(at + 6);
                cookie = buf.getLong(at + 16);
                match = MatchDecoder.oxm(buf, at + 24, entryEnd, where);
                int matchPadded = MatchDecoder.oxmMatchPaddedLength(buf, at + 24, entryEnd, where);
                OxsStats stats = OxsStats.read(buf, at + 24 + matchPadded, entryEnd, where);
                packets = stats.packetCount();
                bytes = stats.byteCount();
            } else if (env.nicira()) {
                requireLength(length, 48, where);
                table = buf.getUnsignedByte(at + 2);
                priority = buf.getUnsignedShort(at + 12);
                int matchLength = buf.getUnsignedShort(at + 18);
                if (48 + MatchDecoder.pad8(matchLength) > length) {
                    throw new MalformedStatsException(where + ": nx_flow_stats match overruns the entry: match_len=" + matchLength
                            + " length=" + length);
                }
                cookie = buf.getLong(at + 24);
                packets = at + 32;
                bytes = at + 40;
                match = MatchDecoder.nxm(buf, at + 48, at + 48 + matchLength, where).match();
            } else if (env.version() == StatsEnvelope.OF10) {
                requireLength(length, 88, where);
                table = buf.getUnsignedByte(at + 2);
                match = MatchDecoder.of10(buf, at + 4, where);
                priority = buf.getUnsignedShort(at + 52);
                cookie = buf.getLong(at + 64);
                packets = at + 72;
                bytes = at + 80;
            } else {
                requireLength(length, 56, where);
                table = buf.getUnsignedByte(at + 2);
                priority = buf.getUnsignedShort(at + 12);
                cookie = buf.getLong(at + 24);
                packets = at + 32;
                bytes = at + 40;
                match = MatchDecoder.oxm(buf, at + 48, entryEnd, where);
            }
            long[] extra = extras.get(new FlowIdentity(table, priority, cookie, CanonicalMatch.of(match)));
            if (extra != null) {
                if (packets >= 0) {
                    out.add(packets, extra[0]);
                }
                if (bytes >= 0) {
                    out.add(bytes, extra[1]);
                }
            }
            at = entryEnd;
            index++;
        }
    }

    private static void requireLength(int length, int minimum, String where) throws MalformedStatsException {
        if (length < minimum) {
            throw new MalformedStatsException(where + ": flow entry shorter than its fixed part: length=" + length + " minimum=" + minimum);
        }
    }
}
