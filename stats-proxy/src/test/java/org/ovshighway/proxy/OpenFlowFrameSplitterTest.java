package org.ovshighway.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class OpenFlowFrameSplitterTest {

    @Test
    void framesSplitAcrossReadsComeOutWhole() {
        byte[] a = Frames.bytes(4, 14, 1, 80);
        byte[] b = Frames.bytes(4, 20, 2, 8);
        byte[] c = Frames.bytes(1, 4, 3, 65535);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(a);
        stream.writeBytes(b);
        stream.writeBytes(c);
        byte[] all = stream.toByteArray();
        EmbeddedChannel ch = new EmbeddedChannel(new OpenFlowFrameSplitter());
        // Cut at awkward places: inside a header, at a frame boundary, inside a payload.
        int[] cuts = {3, 80, 85, 88, 1000, all.length};
        int from = 0;
        for (int cut : cuts) {
            ch.writeInbound(Unpooled.wrappedBuffer(all, from, cut - from));
            from = cut;
        }
        assertArrayEquals(a, Frames.drain(ch.readInbound()));
        assertArrayEquals(b, Frames.drain(ch.readInbound()));
        assertArrayEquals(c, Frames.drain(ch.readInbound()));
        assertNull(ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void lengthBelowHeaderIsFatalAndNothingAfterItIsEmitted() {
        byte[] good = Frames.bytes(4, 2, 7, 16);
        byte[] bad = Frames.bytes(4, 2, 8, 8);
        bad[2] = 0;
        bad[3] = 5;
        byte[] after = Frames.bytes(4, 2, 9, 8);
        EmbeddedChannel ch = new EmbeddedChannel(new OpenFlowFrameSplitter());
        DecoderException e = assertThrows(DecoderException.class,
                () -> ch.writeInbound(Unpooled.wrappedBuffer(good, bad, after)));
        MalformedFrameException cause = assertInstanceOf(MalformedFrameException.class, e.getCause());
        assertEquals(16, cause.offset());
        assertTrue(cause.getMessage().contains("length=5"), cause.getMessage());
        assertArrayEquals(good, Frames.drain(ch.readInbound()));
        ch.writeInbound(Unpooled.wrappedBuffer(Frames.bytes(4, 2, 10, 8)));
        assertNull(ch.readInbound(), "a failed splitter never emits again");
        ch.finishAndReleaseAll();
    }

    @Test
    void incompleteFrameAtCloseIsDroppedAndCounted() {
        byte[] frame = Frames.bytes(5, 14, 1, 100);
        EmbeddedChannel ch = new EmbeddedChannel(new OpenFlowFrameSplitter());
        ch.writeInbound(Unpooled.wrappedBuffer(frame, 0, 60));
        OpenFlowFrameSplitter splitter = ch.pipeline().get(OpenFlowFrameSplitter.class);
        assertFalse(ch.finish());
        assertEquals(60, splitter.incompleteAtClose());
        assertEquals(0, splitter.frames());
    }

    @Test
    void framesAreSlicesOfTheReceivedBytesWithRefCountsBalanced() {
        ByteBuf in = Unpooled.wrappedBuffer(Frames.bytes(4, 2, 1, 8), Frames.bytes(4, 3, 1, 12));
        EmbeddedChannel ch = new EmbeddedChannel(new OpenFlowFrameSplitter());
        ch.writeInbound(in.retain());
        ByteBuf first = ch.readInbound();
        ByteBuf second = ch.readInbound();
        assertEquals(8, first.readableBytes());
        assertEquals(12, second.readableBytes());
        first.release();
        second.release();
        assertEquals(1, in.refCnt(), "only the test's own reference is left");
        in.release();
        assertFalse(ch.finish());
    }
}
