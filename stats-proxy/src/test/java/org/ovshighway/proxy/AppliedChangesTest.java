package org.ovshighway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a relayed connection tells its {@link AppliedChangesListener}, on EmbeddedChannels with the real pipelines. */
class AppliedChangesTest {
    private static final int OF13 = 4;
    private static final int OF10 = 1;
    private static final int BARRIER_REPLY_13 = 21;
    private static final int BARRIER_REQUEST_10 = 18;
    private static final int BARRIER_REPLY_10 = 19;
    private static final int MULTIPART_REQUEST_13 = 18;

    private final List<String> heard = new ArrayList<>();
    private final AppliedChangesListener listener = new AppliedChangesListener() {
        @Override
        public void changesPending(String connection) {
            heard.add("pending " + connection);
        }

        @Override
        public void changesApplied(String connection) {
            heard.add("applied " + connection);
        }

        @Override
        public void closed(String connection, boolean pending) {
            heard.add("closed " + connection + " pending=" + pending);
        }
    };
    private EmbeddedChannel sw;
    private EmbeddedChannel ctrl;

    private void relay(HoldDecider decider) {
        RelayedConnection connection = new RelayedConnection("c1", new RelayPolicy(decider, n -> StatsRewriter.NONE,
                Duration.ofSeconds(5), new RelayMetrics(), listener));
        sw = new EmbeddedChannel(new OpenFlowFrameSplitter(), new RelayHandler(Side.SWITCH, connection));
        ctrl = new EmbeddedChannel(new OpenFlowFrameSplitter(), new RelayHandler(Side.CONTROLLER, connection));
        connection.start(sw, ctrl);
    }

    @AfterEach
    void closeChannels() {
        if (sw != null) {
            sw.finishAndReleaseAll();
            ctrl.finishAndReleaseAll();
        }
    }

    private void fromController(int version, int type, long xid) {
        ctrl.writeInbound(Frames.buf(version, type, xid, 16));
    }

    private void fromSwitch(int version, int type, long xid) {
        sw.writeInbound(Frames.buf(version, type, xid, 8));
    }

    @Test
    void aBarrierRepliedAfterTheChangesSaysTheyAreApplied() {
        relay(HoldDecider.NEVER);
        fromController(OF13, Frames.OFPT_FLOW_MOD, 1);
        fromController(OF13, Frames.OFPT_FLOW_MOD, 2);
        assertEquals(List.of("pending c1"), heard, "one transition for both changes");
        fromController(OF13, Frames.OFPT_BARRIER_REQUEST_13, 3);
        assertEquals(List.of("pending c1"), heard, "the request alone proves nothing");
        fromSwitch(OF13, BARRIER_REPLY_13, 3);
        assertEquals(List.of("pending c1", "applied c1"), heard);
        fromController(OF13, Frames.OFPT_BARRIER_REQUEST_13, 4);
        fromSwitch(OF13, BARRIER_REPLY_13, 4);
        assertEquals(List.of("pending c1", "applied c1"), heard, "a barrier with no change before it reports nothing");
    }

    @Test
    void aBarrierSentBeforeAChangeDoesNotCoverIt() {
        relay(HoldDecider.NEVER);
        fromController(OF13, Frames.OFPT_BARRIER_REQUEST_13, 1);
        fromController(OF13, Frames.OFPT_FLOW_MOD, 2);
        fromSwitch(OF13, BARRIER_REPLY_13, 1);
        assertEquals(List.of("pending c1"), heard);
        fromController(OF13, Frames.OFPT_FLOW_MOD, 3);
        fromController(OF13, Frames.OFPT_BARRIER_REQUEST_13, 4);
        fromController(OF13, Frames.OFPT_FLOW_MOD, 5);
        fromSwitch(OF13, BARRIER_REPLY_13, 4);
        assertEquals(List.of("pending c1"), heard, "flow-mod 5 came after barrier 4");
        fromController(OF13, Frames.OFPT_BARRIER_REQUEST_13, 6);
        fromSwitch(OF13, BARRIER_REPLY_13, 6);
        assertEquals(List.of("pending c1", "applied c1"), heard);
    }

    @Test
    void repliesThatMatchNoRequestProveNothing() {
        relay(HoldDecider.NEVER);
        fromController(OF13, Frames.OFPT_FLOW_MOD, 1);
        fromController(OF13, Frames.OFPT_BARRIER_REQUEST_13, 2);
        fromSwitch(OF13, BARRIER_REPLY_13, 99);
        fromSwitch(OF13, MULTIPART_REQUEST_13 + 1, 2);
        assertEquals(List.of("pending c1"), heard, "an unsolicited reply, a reply of another type with the xid");
        fromSwitch(OF13, BARRIER_REPLY_13, 2);
        assertEquals(List.of("pending c1", "applied c1"), heard);
    }

    @Test
    void aReplyToALaterBarrierCoversWhatAnUnansweredEarlierOneDid() {
        relay(HoldDecider.NEVER);
        fromController(OF13, Frames.OFPT_FLOW_MOD, 1);
        fromController(OF13, Frames.OFPT_BARRIER_REQUEST_13, 2);
        fromController(OF13, Frames.OFPT_BARRIER_REQUEST_13, 3);
        // barrier 2 answered by an error (not a barrier reply): barrier 3's reply covers flow-mod 1
        fromSwitch(OF13, BARRIER_REPLY_13, 3);
        assertEquals(List.of("pending c1", "applied c1"), heard);
        fromSwitch(OF13, BARRIER_REPLY_13, 2);
        fromController(OF13, Frames.OFPT_FLOW_MOD, 4);
        fromSwitch(OF13, BARRIER_REPLY_13, 2);
        assertEquals(List.of("pending c1", "applied c1", "pending c1"), heard, "barrier 2 was dropped when 3 was answered");
    }

    @Test
    void openFlow10NumbersItsBarriersDifferently() {
        relay(HoldDecider.NEVER);
        fromController(OF10, Frames.OFPT_FLOW_MOD, 1);
        fromController(OF10, Frames.OFPT_BARRIER_REQUEST_13, 2);   // OF1.0 type 20: QUEUE_GET_CONFIG_REQUEST
        fromSwitch(OF10, BARRIER_REPLY_13, 2);
        assertEquals(List.of("pending c1"), heard);
        fromController(OF10, BARRIER_REQUEST_10, 3);
        fromSwitch(OF10, BARRIER_REPLY_10, 3);
        assertEquals(List.of("pending c1", "applied c1"), heard);
    }

    @Test
    void aHeldChangeIsPendingFromTheMomentItIsHeldAndCoveredByTheBarrierQueuedBehindIt() {
        CompletableFuture<Void> revert = new CompletableFuture<>();
        relay((name, frame) -> frame.getUnsignedByte(frame.readerIndex() + 1) == Frames.OFPT_FLOW_MOD ? revert : null);
        fromController(OF13, Frames.OFPT_FLOW_MOD, 1);
        assertEquals(List.of("pending c1"), heard);
        fromController(OF13, Frames.OFPT_BARRIER_REQUEST_13, 2);
        ByteBuf none = sw.readOutbound();
        assertEquals(null, none, "held: nothing reached the switch");
        revert.complete(null);
        ctrl.runPendingTasks();
        assertEquals(1, Frames.xid(Frames.drain(Frames.next(sw))));
        assertEquals(2, Frames.xid(Frames.drain(Frames.next(sw))));
        fromSwitch(OF13, BARRIER_REPLY_13, 2);
        assertEquals(List.of("pending c1", "applied c1"), heard);
    }

    @Test
    void theDeciderIsToldWhetherEveryEarlierChangeOfTheConnectionWasApplied() {
        List<String> told = new ArrayList<>();
        relay(new HoldDecider() {
            @Override
            public java.util.concurrent.CompletionStage<?> holdBefore(String connectionName, ByteBuf frame) {
                throw new AssertionError("the relay calls the three-argument form");
            }

            @Override
            public java.util.concurrent.CompletionStage<?> holdBefore(String connectionName, ByteBuf frame,
                                                                      boolean earlierChangesApplied) {
                told.add(frame.getUnsignedInt(frame.readerIndex() + 4) + "=" + earlierChangesApplied);
                return null;
            }
        });
        fromController(OF13, Frames.OFPT_FLOW_MOD, 1);
        fromController(OF13, Frames.OFPT_FLOW_MOD, 2);
        fromController(OF13, Frames.OFPT_BARRIER_REQUEST_13, 3);
        fromController(OF13, Frames.OFPT_FLOW_MOD, 4);
        fromSwitch(OF13, BARRIER_REPLY_13, 3);
        fromController(OF13, Frames.OFPT_FLOW_MOD, 5);
        fromController(OF13, Frames.OFPT_BARRIER_REQUEST_13, 6);
        fromSwitch(OF13, BARRIER_REPLY_13, 6);
        fromController(OF13, Frames.OFPT_FLOW_MOD, 7);
        assertEquals(List.of("1=true", "2=false", "3=false", "4=false", "5=false", "6=false", "7=true"), told);
    }

    @Test
    void aBundleCommitsReplyConfirmsTheCommitAndWhatCameBefore() {
        relay(HoldDecider.NEVER);
        int of14 = 5;
        int bundleControl = 33;
        int bundleAdd = 34;
        fromController(of14, Frames.OFPT_FLOW_MOD, 1);
        fromController(of14, bundleControl, 2);            // open: no change
        fromController(of14, bundleAdd, 3);                // inside the bundle: applied only at the commit
        sw.writeInbound(Frames.buf(of14, bundleControl, 2, 16));                // the open's reply covers flow-mod 1
        assertEquals(List.of("pending c1", "applied c1"), heard);
        ctrl.writeInbound(commit(of14, 4));
        assertEquals(List.of("pending c1", "applied c1", "pending c1"), heard, "a commit changes the tables");
        sw.writeInbound(Frames.buf(of14, bundleControl, 4, 16));
        assertEquals(List.of("pending c1", "applied c1", "pending c1", "applied c1"), heard, "its reply covers it");
        fromController(OF13, Frames.OFPT_FLOW_MOD, 5);
        fromController(OF13, bundleControl, 6);            // OpenFlow 1.3: type 33 is not a bundle control
        sw.writeInbound(Frames.buf(OF13, bundleControl, 6, 16));
        assertEquals(List.of("pending c1", "applied c1", "pending c1", "applied c1", "pending c1"), heard);
    }

    @Test
    void anOpenFlow13OnfBundleCommitsReplyConfirmsItToo() {
        relay(HoldDecider.NEVER);
        ctrl.writeInbound(onfControl(4, 2));
        assertEquals(List.of("pending c1"), heard, "an ONF experimenter message counts as a change");
        sw.writeInbound(onfControl(4, 2));
        assertEquals(List.of("pending c1", "applied c1"), heard, "the commit's reply, ONF form, same xid");
    }

    /** OpenFlow 1.3 ONF bundle control (EXPERIMENTER 0x4F4E4600, exp_type 2300), COMMIT_REQUEST. */
    private static ByteBuf onfControl(int version, long xid) {
        ByteBuf b = io.netty.buffer.Unpooled.buffer();
        b.writeByte(version).writeByte(4).writeShort(24).writeInt((int) xid).writeInt(0x4F4E4600).writeInt(2300);
        b.writeInt(1).writeShort(4).writeShort(0);
        return b;
    }

    /** BUNDLE_CONTROL COMMIT_REQUEST (ofp_bundle_ctrl_msg: bundle_id, type 4, flags). */
    private static ByteBuf commit(int version, long xid) {
        ByteBuf b = Frames.buf(version, 33, xid, 16);
        b.setShort(b.readerIndex() + 12, 4);
        return b;
    }

    @Test
    void aConnectionThatClosesWithUnconfirmedChangesSaysSo() {
        relay(HoldDecider.NEVER);
        fromController(OF13, Frames.OFPT_FLOW_MOD, 1);
        ctrl.close();
        assertEquals(List.of("pending c1", "closed c1 pending=true"), heard);
    }

    @Test
    void aConnectionWithEverythingConfirmedClosesClean() {
        relay(HoldDecider.NEVER);
        fromController(OF13, Frames.OFPT_FLOW_MOD, 1);
        fromController(OF13, Frames.OFPT_BARRIER_REQUEST_13, 2);
        fromSwitch(OF13, BARRIER_REPLY_13, 2);
        sw.close();
        assertEquals(List.of("pending c1", "applied c1", "closed c1 pending=false"), heard);
    }

    @Test
    void barriersBeyondTheRememberedOnesAreRelayedButProveNothing() {
        relay(HoldDecider.NEVER);
        fromController(OF13, Frames.OFPT_FLOW_MOD, 1);
        for (int i = 0; i < BarrierTracker.MAX_REMEMBERED; i++) {
            fromController(OF13, Frames.OFPT_BARRIER_REQUEST_13, 10);
        }
        fromController(OF13, Frames.OFPT_FLOW_MOD, 2);
        fromController(OF13, Frames.OFPT_BARRIER_REQUEST_13, 11);
        int relayed = 0;
        while (sw.readOutbound() instanceof ByteBuf b) {
            b.release();
            relayed++;
        }
        assertEquals(BarrierTracker.MAX_REMEMBERED + 3, relayed, "every frame still reaches the switch");
        fromSwitch(OF13, BARRIER_REPLY_13, 11);
        assertEquals(List.of("pending c1"), heard, "barrier 11 was not remembered: its reply proves nothing");
        fromSwitch(OF13, BARRIER_REPLY_13, 10);
        assertEquals(List.of("pending c1"), heard, "barrier 10 covers flow-mod 1 only");
    }
}
