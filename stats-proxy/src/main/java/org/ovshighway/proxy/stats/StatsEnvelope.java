package org.ovshighway.proxy.stats;

import io.netty.buffer.ByteBuf;

/**
 * The envelope of a statistics (multipart) request or reply, located in a frame whose absolute
 * bounds are [{@code start}, {@code end}). Body offsets are absolute buffer indices.
 *
 * <pre>
 *  OpenFlow 1.0:   header(8) | type(2) | flags(2) | body                        OFPT_STATS_REQUEST 16 / REPLY 17
 *    Nicira:       header(8) | type(2)=0xffff | flags(2) | vendor(4)=0x2320 | subtype(4) | pad(4) | body
 *  OpenFlow 1.2+:  header(8) | type(2) | flags(2) | pad(4) | body              MULTIPART_REQUEST 18 / REPLY 19
 * </pre>
 */
record StatsEnvelope(int version, long xid, boolean request, int type, int flags, int niciraSubtype, int body, int end) {

    static final int OF10 = 1;
    static final int OF12 = 3;
    static final int OF13 = 4;
    static final int OF14 = 5;
    static final int OF15 = 6;

    static final int STATS_FLOW = 1;
    static final int STATS_AGGREGATE = 2;
    static final int STATS_PORT = 4;
    static final int STATS_VENDOR = 0xffff;
    static final int NICIRA_VENDOR_ID = 0x00002320;
    static final int NXST_FLOW = 0;
    static final int NXST_AGGREGATE = 1;
    /** No Nicira subtype: a standard statistics message. */
    static final int STANDARD = -1;

    private static final int OFPT10_STATS_REQUEST = 16;
    private static final int OFPT10_STATS_REPLY = 17;
    private static final int OFPT_MULTIPART_REQUEST = 18;
    private static final int OFPT_MULTIPART_REPLY = 19;
    private static final int HEADER = 8;

    /**
     * The envelope of {@code frame} (its readable bytes), or {@code null} when the frame is not a
     * statistics message of a version handled here (OpenFlow 1.0 and 1.2 to 1.5), or is a vendor
     * or experimenter message other than Nicira's on OpenFlow 1.0.
     */
    static StatsEnvelope parse(ByteBuf frame) throws MalformedStatsException {
        int start = frame.readerIndex();
        int end = frame.writerIndex();
        if (end - start < HEADER) {
            return null;
        }
        int version = frame.getUnsignedByte(start);
        int msgType = frame.getUnsignedByte(start + 1);
        boolean request;
        int body;
        if (version == OF10 && (msgType == OFPT10_STATS_REQUEST || msgType == OFPT10_STATS_REPLY)) {
            request = msgType == OFPT10_STATS_REQUEST;
            body = start + 12;
        } else if (version >= OF12 && version <= OF15 && (msgType == OFPT_MULTIPART_REQUEST || msgType == OFPT_MULTIPART_REPLY)) {
            request = msgType == OFPT_MULTIPART_REQUEST;
            body = start + 16;
        } else {
            return null;
        }
        int length = frame.getUnsignedShort(start + 2);
        if (length != end - start) {
            throw new MalformedStatsException("header length differs from frame length: length=" + length + " frame=" + (end - start));
        }
        if (body > end) {
            throw new MalformedStatsException("statistics header truncated: length=" + length);
        }
        long xid = frame.getUnsignedInt(start + 4);
        int type = frame.getUnsignedShort(start + 8);
        int flags = frame.getUnsignedShort(start + 10);
        int subtype = STANDARD;
        if (type == STATS_VENDOR) {
            if (version != OF10) {
                return null;
            }
            if (end - body < 12) {
                throw new MalformedStatsException("vendor statistics header truncated: length=" + length);
            }
            if (frame.getInt(body) != NICIRA_VENDOR_ID) {
                return null;
            }
            long sub = frame.getUnsignedInt(body + 4);
            if (sub != NXST_FLOW && sub != NXST_AGGREGATE) {
                return null;
            }
            subtype = (int) sub;
            body += 12;
        }
        return new StatsEnvelope(version, xid, request, type, flags, subtype, body, end);
    }

    boolean nicira() {
        return niciraSubtype != STANDARD;
    }

    boolean isFlow() {
        return nicira() ? niciraSubtype == NXST_FLOW : type == STATS_FLOW;
    }

    boolean isAggregate() {
        return nicira() ? niciraSubtype == NXST_AGGREGATE : type == STATS_AGGREGATE;
    }

    boolean isPort() {
        return !nicira() && type == STATS_PORT;
    }

    /** The more-to-follow flag (OFPSF_REPLY_MORE / OFPMPF_REQ_MORE, bit 0 in every version). */
    boolean more() {
        return (flags & 1) != 0;
    }

    int bodyLength() {
        return end - body;
    }

    String describe() {
        return "version=0x" + Integer.toHexString(version) + " xid=0x" + Long.toHexString(xid)
                + (nicira() ? " nxst=" + niciraSubtype : " statsType=" + type) + (request ? " request" : " reply");
    }
}
