package org.ovshighway.ovs.openflow;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Cuts the byte stream into OpenFlow messages by the header's 16-bit length (bytes 2..3, counting
 * the whole message). A length below the 8-byte header cannot be resynchronised on a stream, so it
 * fails the channel; the connection then reconnects and resynchronises.
 */
public final class OpenFlowFrameDecoder extends LengthFieldBasedFrameDecoder {

    static final int HEADER_LENGTH = 8;

    public OpenFlowFrameDecoder() {
        super(0xffff, 2, 2, -4, 0);
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        if (in.readableBytes() >= 4) {
            int length = in.getUnsignedShort(in.readerIndex() + 2);
            if (length < HEADER_LENGTH) {
                throw new CorruptedFrameException("OpenFlow message length below header size: length=" + length
                        + " version=" + in.getUnsignedByte(in.readerIndex()) + " type=" + in.getUnsignedByte(in.readerIndex() + 1));
            }
        }
        return super.decode(ctx, in);
    }
}
