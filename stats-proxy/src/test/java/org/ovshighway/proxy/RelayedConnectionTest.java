package org.ovshighway.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The relay's mechanics on EmbeddedChannels: both sides are the real pipelines, the peers are the test. */
class RelayedConnectionTest {

    private EmbeddedChannel sw;
    private EmbeddedChannel ctrl;
    private RelayedConnection connection;
    private final List<String> decided = new ArrayList<>();

    private RelayedConnection relay(RelayPolicy policy) {
        connection = new RelayedConnection("test", policy);
        sw = new EmbeddedChannel(new OpenFlowFrameSplitter(), new RelayHandler(Side.SWITCH, connection));
        ctrl = new EmbeddedChannel(new OpenFlowFrameSplitter(), new RelayHandler(Side.CONTROLLER, connection));
        connection.start(sw, ctrl);
        return connection;
    }

    @AfterEach
    void closeChannels() {
        if (sw != null) {
            sw.finishAndReleaseAll();
            ctrl.finishAndReleaseAll();
        }
    }

    @Test
    void framesAreRelayedByteForByteBothWays() {
        RelayPolicy policy = RelayPolicy.plain();
        relay(policy);
        byte[] hello = Frames.bytes(6, 0, 0x11223344L, 16);
        byte[] multipart = Frames.bytes(4, 19, 0xDEADBEEFL, 4000);
        // A Nicira vendor message: opaque bytes to the relay.
        byte[] vendor = Frames.bytes(1, 4, 99, 24);
        ctrl.writeInbound(Unpooled.wrappedBuffer(hello));
        sw.writeInbound(Unpooled.wrappedBuffer(multipart, vendor));
        assertArrayEquals(hello, Frames.drain(Frames.next(sw)));
        assertArrayEquals(multipart, Frames.drain(Frames.next(ctrl)));
        assertArrayEquals(vendor, Frames.drain(Frames.next(ctrl)));
        assertEquals(1, policy.metrics().framesTowardSwitch());
        assertEquals(2, policy.metrics().framesTowardController());
    }

    @Test
    void slowControllerStopsReadingFromSwitchUntilItDrains() {
        relay(RelayPolicy.plain());
        ctrl.config().setWriteBufferWaterMark(new WriteBufferWaterMark(100, 200));
        // EmbeddedChannel keeps written-but-unflushed bytes in its outbound buffer: a slow peer.
        ctrl.pipeline().addFirst(new io.netty.channel.ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(io.netty.channel.ChannelHandlerContext ctx) {
                // held back until the test lets it through
                if (flushAllowed) {
                    ctx.flush();
                }
            }
        });
        assertTrue(sw.config().isAutoRead());
        sw.writeInbound(Frames.buf(4, 19, 1, 150), Frames.buf(4, 19, 2, 150));
        assertFalse(sw.config().isAutoRead(), "switch side paused while the controller side is above high water");
        flushAllowed = true;
        ctrl.flush();
        assertTrue(sw.config().isAutoRead(), "reading resumes once the controller side drained");
        assertEquals(1, Frames.xid(Frames.drain(Frames.next(ctrl))));
        assertEquals(2, Frames.xid(Frames.drain(Frames.next(ctrl))));
    }

    private boolean flushAllowed;

    @Test
    void heldFlowModAndEverythingAfterItWaitInOrderUntilTheStageCompletes() {
        CompletableFuture<Void> revert = new CompletableFuture<>();
        HoldDecider decider = (name, frame) -> {
            decided.add(name + ":" + frame.getUnsignedInt(frame.readerIndex() + 4));
            return frame.getUnsignedByte(frame.readerIndex() + 1) == Frames.OFPT_FLOW_MOD
                    && frame.getUnsignedInt(frame.readerIndex() + 4) == 2 ? revert : null;
        };
        RelayPolicy policy = new RelayPolicy(decider, n -> StatsRewriter.NONE, Duration.ofSeconds(30), new RelayMetrics());
        relay(policy);
        ctrl.writeInbound(Frames.buf(4, Frames.OFPT_FLOW_MOD, 1, 56), Frames.buf(4, Frames.OFPT_FLOW_MOD, 2, 56),
                Frames.buf(4, Frames.OFPT_FLOW_MOD, 3, 56), Frames.buf(4, Frames.OFPT_BARRIER_REQUEST_13, 4, 8));
        assertEquals(1, Frames.xid(Frames.drain(Frames.next(sw))));
        assertNull(Frames.next(sw), "xid 2 is held, and everything after it");
        assertFalse(ctrl.config().isAutoRead(), "controller side not read while holding");
        assertTrue(connection.isHolding());
        // The switch's direction is never held.
        sw.writeInbound(Frames.buf(4, 3, 77, 8));
        assertEquals(77, Frames.xid(Frames.drain(Frames.next(ctrl))));

        revert.complete(null);
        ctrl.runPendingTasks();
        for (long xid = 2; xid <= 4; xid++) {
            assertEquals(xid, Frames.xid(Frames.drain(Frames.next(sw))));
        }
        assertNull(Frames.next(sw));
        assertTrue(ctrl.config().isAutoRead());
        assertEquals(List.of("test:1", "test:2", "test:3", "test:4"), decided, "each frame decided once, in order");
        assertEquals(1, policy.metrics().holds());
        assertEquals(0, policy.metrics().holdDeadlinesHit());
    }

    @Test
    void deadlineReleasesTheHoldAndIsCounted() {
        CompletableFuture<Void> never = new CompletableFuture<>();
        HoldDecider decider = (name, frame) -> frame.getUnsignedByte(frame.readerIndex() + 1) == Frames.OFPT_FLOW_MOD
                ? never : null;
        RelayPolicy policy = new RelayPolicy(decider, n -> StatsRewriter.NONE, Duration.ofSeconds(2), new RelayMetrics());
        relay(policy);
        ctrl.freezeTime();
        ctrl.writeInbound(Frames.buf(4, Frames.OFPT_FLOW_MOD, 1, 56), Frames.buf(4, Frames.OFPT_BARRIER_REQUEST_13, 2, 8));
        ctrl.advanceTimeBy(1999, TimeUnit.MILLISECONDS);
        ctrl.runScheduledPendingTasks();
        assertNull(Frames.next(sw));
        ctrl.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ctrl.runScheduledPendingTasks();
        assertEquals(1, Frames.xid(Frames.drain(Frames.next(sw))));
        assertEquals(2, Frames.xid(Frames.drain(Frames.next(sw))));
        assertEquals(1, policy.metrics().holdDeadlinesHit());
        // The late completion of the old stage changes nothing.
        never.complete(null);
        ctrl.runPendingTasks();
        assertNull(Frames.next(sw));
        assertFalse(connection.isHolding());
    }

    @Test
    void controllerClosingDuringHoldStillDeliversHeldFramesThenClosesSwitch() {
        CompletableFuture<Void> revert = new CompletableFuture<>();
        HoldDecider decider = (name, frame) -> frame.getUnsignedByte(frame.readerIndex() + 1) == Frames.OFPT_FLOW_MOD
                ? revert : null;
        relay(new RelayPolicy(decider, n -> StatsRewriter.NONE, Duration.ofSeconds(30), new RelayMetrics()));
        ctrl.writeInbound(Frames.buf(4, Frames.OFPT_FLOW_MOD, 1, 56), Frames.buf(4, Frames.OFPT_BARRIER_REQUEST_13, 2, 8));
        ctrl.close();
        assertTrue(sw.isActive(), "switch side stays open while held frames wait");
        revert.complete(null);
        ctrl.runPendingTasks();
        sw.runPendingTasks();
        assertEquals(1, Frames.xid(Frames.drain(Frames.next(sw))));
        assertEquals(2, Frames.xid(Frames.drain(Frames.next(sw))));
        assertFalse(sw.isActive(), "switch side closed after the held frames");
    }

    @Test
    void eitherSideClosingClosesTheOther() {
        RelayPolicy policy = RelayPolicy.plain();
        relay(policy);
        sw.writeInbound(Frames.buf(4, 0, 1, 8));
        sw.close();
        assertEquals(1, Frames.xid(Frames.drain(Frames.next(ctrl))), "written before the close still arrives");
        assertFalse(ctrl.isActive());
        assertEquals(1, policy.metrics().connectionsClosed());
    }

    @Test
    void malformedFrameClosesBothSidesAfterTheGoodFrames() {
        RelayPolicy policy = RelayPolicy.plain();
        relay(policy);
        ByteBuf bad = Frames.buf(4, 0, 2, 8);
        bad.setShort(2, 4);
        ctrl.writeInbound(Unpooled.wrappedBuffer(Frames.buf(4, 0, 1, 8), bad, Frames.buf(4, 0, 3, 8)));
        assertEquals(1, Frames.xid(Frames.drain(Frames.next(sw))));
        assertNull(Frames.next(sw), "nothing after the bad header");
        assertFalse(sw.isActive());
        assertFalse(ctrl.isActive());
        assertEquals(1, policy.metrics().malformedCloses());
    }

    @Test
    void rewriterSeesFramesInBothDirectionsAndMayChangeCountersInPlace() {
        List<String> seen = new ArrayList<>();
        StatsRewriter rewriter = new StatsRewriter() {
            @Override
            public void towardSwitch(ByteBuf frame) {
                seen.add("to-switch:" + frame.getUnsignedInt(frame.readerIndex() + 4));
            }

            @Override
            public void towardController(ByteBuf frame) {
                seen.add("to-controller:" + frame.getUnsignedInt(frame.readerIndex() + 4));
                frame.setLong(frame.readerIndex() + 8, 42);
            }
        };
        relay(new RelayPolicy(HoldDecider.NEVER, n -> rewriter, Duration.ofSeconds(1), new RelayMetrics()));
        ctrl.writeInbound(Frames.buf(4, 18, 5, 16));
        sw.writeInbound(Frames.buf(4, 19, 5, 16));
        assertEquals(5, Frames.xid(Frames.drain(Frames.next(sw))));
        ByteBuf reply = Frames.next(ctrl);
        assertEquals(42, reply.getLong(8));
        reply.release();
        assertEquals(List.of("to-switch:5", "to-controller:5"), seen);
    }

    @Test
    void throwingHookClosesTheConnectionAndIsCounted() {
        RelayPolicy policy = new RelayPolicy((n, f) -> {
            throw new IllegalStateException("boom");
        }, n -> StatsRewriter.NONE, Duration.ofSeconds(1), new RelayMetrics());
        relay(policy);
        ctrl.writeInbound(Frames.buf(4, 14, 1, 56));
        assertNull(Frames.next(sw));
        assertFalse(sw.isActive());
        assertFalse(ctrl.isActive());
        assertEquals(1, policy.metrics().hookFailures());
    }
}
