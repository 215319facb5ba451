package org.ovshighway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Cuts a byte stream into OpenFlow frames by the header's length field (version u8, type u8,
 * length u16 big-endian, xid u32) and emits each frame as a retained slice of the received bytes:
 * nothing is parsed or re-encoded, so a relayed frame is the peer's bytes exactly.
 *
 * <p>Memory: it buffers at most one incomplete frame, so at most 65535 bytes plus one read.
 * A header with {@code length < 8} is fatal: the splitter throws {@link MalformedFrameException}
 * once and from then on discards everything, so no frame after a wrong cut is ever emitted.
 */
public final class OpenFlowFrameSplitter extends ByteToMessageDecoder {

    public static final int HEADER_LENGTH = 8;
    public static final int MAX_FRAME_LENGTH = 0xFFFF;

    /** Where the splitter is in its stream. */
    private enum State {
        /** Cutting frames; {@link #consumed} is the offset of the next header. */
        FRAMING,
        /** A bad header was seen; every further byte is dropped until the channel closes. */
        FAILED
    }

    private State state = State.FRAMING;
    private long consumed;
    private long frames;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (state == State.FAILED) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.readableBytes() >= HEADER_LENGTH) {
            int length = in.getUnsignedShort(in.readerIndex() + 2);
            if (length < HEADER_LENGTH) {
                state = State.FAILED;
                int version = in.getUnsignedByte(in.readerIndex());
                int type = in.getUnsignedByte(in.readerIndex() + 1);
                in.skipBytes(in.readableBytes());
                throw new MalformedFrameException("OpenFlow header length below 8: length=" + length
                        + " version=" + version + " type=" + type + " frames=" + frames, consumed);
            }
            if (in.readableBytes() < length) {
                return;
            }
            out.add(in.readRetainedSlice(length));
            consumed += length;
            frames++;
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decode(ctx, in, out);
        if (state == State.FRAMING && in.isReadable()) {
            // The peer closed in the middle of a frame: never relay a piece of it.
            incompleteAtClose = in.readableBytes();
        }
        in.skipBytes(in.readableBytes());
    }

    private int incompleteAtClose;

    /** Bytes of an unfinished frame dropped when the peer closed (0 when it closed between frames). */
    public int incompleteAtClose() {
        return incompleteAtClose;
    }

    /** Stream offset of the next header: bytes of complete frames emitted so far. */
    public long consumed() {
        return consumed;
    }

    public long frames() {
        return frames;
    }
}
