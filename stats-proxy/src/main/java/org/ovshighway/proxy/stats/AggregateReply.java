package org.ovshighway.proxy.stats;

import io.netty.buffer.ByteBuf;

/**
 * Aggregate statistics reply: adds the extras of every flow the remembered request selects to
 * packet_count and byte_count. flow_count is left alone (no flow is added or removed).
 *
 * <pre>
 *  OF1.0 (standard and NXST_AGGREGATE), OF1.2-1.4: packet_count(8) @0 | byte_count(8) @8 | flow_count(4) | pad(4)
 *  OF1.5: ofp_stats with OXS packet_count, byte_count, flow_count
 * </pre>
 */
final class AggregateReply {

    private AggregateReply() {
    }

    static void collect(ByteBuf buf, StatsEnvelope env, FlowStatsRequest request, ExtraCounters extras, PendingWrites out)
            throws MalformedStatsException {
        int packets;
        int bytes;
        String where = env.describe();
        if (env.version() == StatsEnvelope.OF15) {
            OxsStats stats = OxsStats.read(buf, env.body(), env.end(), where);
            if (env.body() + stats.paddedLength() != env.end()) {
                throw new MalformedStatsException(where + ": aggregate reply body is not one ofp_stats: body=" + env.bodyLength()
                        + " statsPadded=" + stats.paddedLength());
            }
            packets = stats.packetCount();
            bytes = stats.byteCount();
        } else {
            if (env.bodyLength() != 24) {
                throw new MalformedStatsException(where + ": aggregate reply body must be 24 bytes: body=" + env.bodyLength());
            }
            packets = env.body();
            bytes = env.body() + 8;
        }
        long addPackets = 0;
        long addBytes = 0;
        for (FlowExtra flow : extras.flows()) {
            if (request.selects(flow)) {
                addPackets = SaturatingCounter.add(addPackets, flow.packets());
                addBytes = SaturatingCounter.add(addBytes, flow.bytes());
            }
        }
        if (packets >= 0) {
            out.add(packets, addPackets);
        }
        if (bytes >= 0) {
            out.add(bytes, addBytes);
        }
    }
}
