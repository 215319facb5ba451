package org.ovshighway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/** Hand-built OpenFlow frames for tests. */
final class Frames {

    static final int OFPT_ECHO_REQUEST = 2;
    static final int OFPT_FLOW_MOD = 14;
    static final int OFPT_BARRIER_REQUEST_13 = 20;

    private Frames() {
    }

    static byte[] bytes(int version, int type, long xid, int length) {
        byte[] frame = new byte[length];
        frame[0] = (byte) version;
        frame[1] = (byte) type;
        frame[2] = (byte) (length >>> 8);
        frame[3] = (byte) length;
        frame[4] = (byte) (xid >>> 24);
        frame[5] = (byte) (xid >>> 16);
        frame[6] = (byte) (xid >>> 8);
        frame[7] = (byte) xid;
        for (int i = 8; i < length; i++) {
            frame[i] = (byte) (i * 31 + xid);
        }
        return frame;
    }

    static ByteBuf buf(int version, int type, long xid, int length) {
        return Unpooled.wrappedBuffer(bytes(version, type, xid, length));
    }

    static byte[] drain(ByteBuf buf) {
        byte[] out = ByteBufUtil.getBytes(buf);
        buf.release();
        return out;
    }

    /** The next frame written to {@code ch}, skipping the empty flush marker written before a close. */
    static ByteBuf next(io.netty.channel.embedded.EmbeddedChannel ch) {
        while (true) {
            ByteBuf buf = ch.readOutbound();
            if (buf == null || buf.isReadable()) {
                return buf;
            }
            buf.release();
        }
    }

    static long xid(byte[] frame) {
        return ((frame[4] & 0xFFL) << 24) | ((frame[5] & 0xFFL) << 16) | ((frame[6] & 0xFFL) << 8) | (frame[7] & 0xFFL);
    }
}
