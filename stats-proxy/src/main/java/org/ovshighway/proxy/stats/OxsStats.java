package org.ovshighway.proxy.stats;

import io.netty.buffer.ByteBuf;

/**
 * Where the counters of an OpenFlow 1.5 {@code ofp_stats} are (absolute indices, -1 when absent).
 *
 * <pre>
 *  ofp_stats:  reserved(2) | length(2) = 4 + TLVs | OXS TLVs | zero pad to a multiple of 8
 *  OXS TLV:    class(2) | field(7 bits) hasmask(1 bit) | length(1) | value
 *  class 0x8002 (OFPXSC_OPENFLOW_BASIC): duration 0 (8), idle_time 1 (8), flow_count 3 (4),
 *              packet_count 4 (8), byte_count 5 (8)
 * </pre>
 */
record OxsStats(int packetCount, int byteCount, int paddedLength) {

    private static final int OFPXSC_OPENFLOW_BASIC = 0x8002;
    private static final int OFPXST_OFB_PACKET_COUNT = 4;
    private static final int OFPXST_OFB_BYTE_COUNT = 5;

    /** Reads the ofp_stats at {@code offset}; it must fit, padded, before {@code end}. */
    static OxsStats read(ByteBuf buf, int offset, int end, String where) throws MalformedStatsException {
        if (end - offset < 4) {
            throw new MalformedStatsException(where + ": ofp_stats header truncated: remaining=" + (end - offset));
        }
        int length = buf.getUnsignedShort(offset + 2);
        if (length < 4 || MatchDecoder.pad8(length) > end - offset) {
            throw new MalformedStatsException(where + ": ofp_stats length out of bounds: length=" + length + " remaining=" + (end - offset));
        }
        int packets = -1;
        int bytes = -1;
        int at = offset + 4;
        int statsEnd = offset + length;
        while (at < statsEnd) {
            if (statsEnd - at < 4) {
                throw new MalformedStatsException(where + ": OXS header truncated: offset=" + at + " remaining=" + (statsEnd - at));
            }
            long header = buf.getUnsignedInt(at);
            int cls = (int) (header >>> 16);
            int field = (int) (header >>> 9) & 0x7f;
            boolean hasMask = (header & 0x100) != 0;
            int valueLength = (int) (header & 0xff);
            if (valueLength > statsEnd - at - 4) {
                throw new MalformedStatsException(where + ": OXS field overruns ofp_stats: offset=" + at + " field=" + field
                        + " length=" + valueLength + " remaining=" + (statsEnd - at - 4));
            }
            if (cls == OFPXSC_OPENFLOW_BASIC && (field == OFPXST_OFB_PACKET_COUNT || field == OFPXST_OFB_BYTE_COUNT)) {
                if (valueLength != 8 || hasMask) {
                    throw new MalformedStatsException(where + ": OXS counter is not an unmasked 8-byte value: field=" + field
                            + " length=" + valueLength + " hasMask=" + hasMask);
                }
                boolean repeated = field == OFPXST_OFB_PACKET_COUNT ? packets >= 0 : bytes >= 0;
                if (repeated) {
                    throw new MalformedStatsException(where + ": OXS counter repeated: field=" + field);
                }
                if (field == OFPXST_OFB_PACKET_COUNT) {
                    packets = at + 4;
                } else {
                    bytes = at + 4;
                }
            }
            at += 4 + valueLength;
        }
        return new OxsStats(packets, bytes, MatchDecoder.pad8(length));
    }
}
