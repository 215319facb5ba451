package org.ovshighway.proxy.stats;

import io.netty.buffer.ByteBuf;

/**
 * Port statistics reply entries: adds each port's extra rx/tx packets and bytes. Only the four
 * counters named below are touched; drops, errors, durations and OpenFlow 1.4+ properties are not.
 *
 * <pre>
 *  OF1.0 ofp_port_stats (104):  port_no(2) pad(6) | rx_packets @8 | tx_packets @16 | rx_bytes @24 | tx_bytes @32 | ...
 *  OF1.2 ofp_port_stats (104):  port_no(4) pad(4) | same counters
 *  OF1.3 ofp_port_stats (112):  port_no(4) pad(4) | same counters ... | duration_sec | duration_nsec
 *  OF1.4/1.5 ofp_port_stats:    length(2) pad(2) port_no(4) duration_sec(4) duration_nsec(4)
 *                               | rx_packets @16 | tx_packets @24 | rx_bytes @32 | tx_bytes @40 | ... (80 fixed) | properties
 * </pre>
 */
final class PortStatsReply {

    private PortStatsReply() {
    }

    static void collect(ByteBuf buf, StatsEnvelope env, ExtraCounters extras, PendingWrites out) throws MalformedStatsException {
        int at = env.body();
        int end = env.end();
        int index = 0;
        while (at < end) {
            String where = env.describe() + " portEntry=" + index;
            long port;
            int entryLength;
            int rxPackets;
            int txPackets;
            int rxBytes;
            int txBytes;
            switch (env.version()) {
                case StatsEnvelope.OF10, StatsEnvelope.OF12, StatsEnvelope.OF13 -> {
                    entryLength = env.version() == StatsEnvelope.OF13 ? 112 : 104;
                    if (end - at < entryLength) {
                        throw new MalformedStatsException(where + ": port statistics entry truncated: remaining=" + (end - at)
                                + " entryLength=" + entryLength);
                    }
                    port = env.version() == StatsEnvelope.OF10 ? widenOf10(buf.getUnsignedShort(at), where) : buf.getUnsignedInt(at);
                    rxPackets = at + 8;
                    txPackets = at + 16;
                    rxBytes = at + 24;
                    txBytes = at + 32;
                }
                default -> {
                    if (end - at < 80) {
                        throw new MalformedStatsException(where + ": port statistics entry truncated: remaining=" + (end - at));
                    }
                    entryLength = buf.getUnsignedShort(at);
                    if (entryLength < 80 || entryLength > end - at || entryLength % 8 != 0) {
                        throw new MalformedStatsException(where + ": port statistics entry length out of bounds: length=" + entryLength
                                + " remaining=" + (end - at));
                    }
                    port = buf.getUnsignedInt(at + 4);
                    rxPackets = at + 16;
                    txPackets = at + 24;
                    rxBytes = at + 32;
                    txBytes = at + 40;
                }
            }
            PortExtra extra = extras.port(port);
            if (extra != null && !extra.isZero()) {
                out.add(rxPackets, extra.rxPackets());
                out.add(rxBytes, extra.rxBytes());
                out.add(txPackets, extra.txPackets());
                out.add(txBytes, extra.txBytes());
            }
            at += entryLength;
            index++;
        }
    }

    /** OpenFlow 1.0 port numbers widened: 0xfff8..0xffff are the reserved ports; 0xff01..0xfff7 are invalid. */
    static long widenOf10(int port, String where) throws MalformedStatsException {
        if (port >= 0xfff8) {
            return 0xffff0000L | port;
        }
        if (port > 0xff00) {
            throw new MalformedStatsException(where + ": OpenFlow 1.0 port number in the invalid range: port=0x" + Integer.toHexString(port));
        }
        return port;
    }
}
