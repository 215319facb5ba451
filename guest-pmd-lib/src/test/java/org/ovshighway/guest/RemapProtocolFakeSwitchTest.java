package org.ovshighway.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ovshighway.guest.abi.FenceFrameDescriptor;
import org.ovshighway.guest.abi.Le;
import org.ovshighway.guest.abi.LinkControl;
import org.ovshighway.guest.abi.PortConnection;
import org.ovshighway.guest.abi.PortControl;
import org.ovshighway.guest.abi.RegionHeaderDescriptor;
import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RegionLayout;
import org.ovshighway.guest.mapping.MappedRegion;
import org.ovshighway.guest.remap.ReceiverPhase;
import org.ovshighway.guest.remap.SenderPhase;

/**
 * The guest side of the remap protocol step by step: two ports X and Y on ring-port regions, a
 * {@link FakeMemifSwitch} standing in for OVS-DPDK (unit tests cannot run it; the testbed's remap
 * tests use the real one), and the test playing the agent through the shared words. Data frames
 * carry sequence numbers; Y must receive exactly 1, 2, 3, ... and never a FENCE frame.
 */
class RemapProtocolFakeSwitchTest {
    private static final long LINK = 7;
    private static final long GEN = 3;

    private RegionFiles files;
    private Path dirX;
    private Path dirY;
    private GuestPort x;
    private GuestPort y;
    private MappedRegion agentX;
    private MappedRegion agentY;
    private FakeMemifSwitch xToY;
    private FakeMemifSwitch yToX;
    private final PacketBurst rx = new PacketBurst();
    private final List<Long> atY = new ArrayList<>();
    private final List<Long> atX = new ArrayList<>();
    private long nextX = 1;
    private long nextY = 1;

    @BeforeEach
    void setUp() throws Exception {
        files = new RegionFiles();
        dirX = Files.createDirectory(files.dir.resolve("x"));
        dirY = Files.createDirectory(files.dir.resolve("y"));
        Path px = files.create("port-x", RegionLayout.port(2), RegionIdentity.port(1, "x", "guest-x"));
        Path py = files.create("port-y", RegionLayout.port(2), RegionIdentity.port(1, "y", "guest-y"));
        agentX = MappedRegion.map(px);
        agentY = MappedRegion.map(py);
        PortConnection.publish(agentX.segment(), 1, true);
        PortConnection.publish(agentY.segment(), 1, true);
        Files.createSymbolicLink(dirX.resolve("port-x"), px);
        Files.createSymbolicLink(dirY.resolve("port-y"), py);
        x = GuestPort.open(DeviceSource.files(dirX), "x");
        y = GuestPort.open(DeviceSource.files(dirY), "y");
        xToY = new FakeMemifSwitch(px, py);
        yToX = new FakeMemifSwitch(py, px);
        // each guest hands its receive buffers to the switch on its first burst, as with OVS-DPDK
        collect(x, atX);
        collect(y, atY);
    }

    @AfterEach
    void tearDown() throws IOException {
        x.close();
        y.close();
        xToY.close();
        yToX.close();
        agentX.close();
        agentY.close();
        files.close();
    }

    private static byte[] frame(long seq) {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1});
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) 0x0800).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(16, seq);
        return b.array();
    }

    private void sendX() {
        assertEquals(1, x.txBurst(new byte[][] {frame(nextX)}, 1), "X could not send seq=" + nextX);
        nextX++;
    }

    private void sendY() {
        assertEquals(1, y.txBurst(new byte[][] {frame(nextY)}, 1), "Y could not send seq=" + nextY);
        nextY++;
    }

    private void pumpY() {
        xToY.forward();
        collect(y, atY);
    }

    private void pumpX() {
        yToX.forward();
        collect(x, atX);
    }

    private void collect(GuestPort port, List<Long> into) {
        int n = port.rxBurst(rx);
        for (int i = 0; i < n; i++) {
            MemorySegment region = rx.region();
            long offset = rx.regionOffset(i);
            assertTrue(!FenceFrameDescriptor.isFence(region, offset, rx.length(i)), "a FENCE frame was delivered");
            into.add(region.get(Le.U64_UNALIGNED, offset + 16));
        }
    }

    private static void until(String what, BooleanSupplier done, Runnable step) {
        for (int i = 0; i < 20_000; i++) {
            if (done.getAsBoolean()) {
                return;
            }
            step.run();
            if (i > 100) {
                Thread.onSpinWait();
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        }
        throw new AssertionError("never happened: " + what);
    }

    private static void assertSequence(List<Long> got, long last) {
        List<Long> expected = new ArrayList<>();
        for (long s = 1; s <= last; s++) {
            expected.add(s);
        }
        assertEquals(expected, got);
    }

    private Path createLink(boolean bothWays, String name) throws IOException {
        Path link = files.create(name, RegionLayout.link(bothWays), RegionIdentity.link(LINK, GEN, "x", "y"));
        return link;
    }

    private void publish(Path link) throws IOException {
        Files.createSymbolicLink(dirX.resolve(link.getFileName()), link);
        Files.createSymbolicLink(dirY.resolve(link.getFileName()), link);
    }

    private long attach() {
        PortControl.publishRequest(agentX.segment(), PortControl.OP_ATTACH, LINK, GEN);
        return PortControl.publishRequest(agentY.segment(), PortControl.OP_ATTACH, LINK, GEN);
    }

    private void detach() {
        PortControl.publishRequest(agentX.segment(), PortControl.OP_DETACH, 0, 0);
        PortControl.publishRequest(agentY.segment(), PortControl.OP_DETACH, 0, 0);
    }

    @Test
    void oneWayBypassAndRevertLoseReorderAndDuplicateNothing() throws Exception {
        for (int i = 0; i < 5; i++) {
            sendX();
        }
        until("Y got 1..5 through the switch", () -> atY.size() == 5, this::pumpY);
        Path linkFile = createLink(false, "link-7");
        attach();
        try (MappedRegion agent = MappedRegion.map(linkFile)) {
            MemorySegment link = agent.segment();
            publish(linkFile);
            until("both ends mapped", () -> LinkControl.acquireMapped(link, 0) == GEN
                    && LinkControl.acquireMapped(link, 1) == GEN, () -> {
                        sendX();
                        pumpY();
                    });
            // mapped on the mapper thread: the next burst of each side takes the link up
            sendX();
            pumpY();
            assertEquals(SenderPhase.MAPPED, x.remap().senderPhase());
            assertEquals(ReceiverPhase.WAITING_FENCE, y.remap().receiverPhase());
            LinkControl.releaseUsable(link, GEN);
            sendX();
            assertEquals(SenderPhase.FENCING, x.remap().senderPhase(), "the first burst after usable fences");
            until("Y on the link", () -> y.remap().receiverPhase() == ReceiverPhase.ON_LINK, this::pumpY);
            assertEquals(FenceFrameDescriptor.SEQUENCE_IN, LinkControl.acquireFenceAck(link, 0));
            until("X on the link", () -> x.remap().senderPhase() == SenderPhase.ON_LINK, this::sendX);
            long forwardedBefore = xToY.forwarded;
            for (int i = 0; i < 20; i++) {
                sendX();
                pumpY();
            }
            assertEquals(forwardedBefore, xToY.forwarded, "nothing of X crosses the switch while bypassed");
            detach();
            until("Y ready to revert", () -> LinkControl.acquireRevertReady(link, 0) == GEN, () -> {
                sendX();
                pumpY();
            });
            until("X back on its old ring", () -> x.remap().senderPhase() == SenderPhase.DONE, this::sendX);
            until("both ends unmapped", () -> LinkControl.acquireMapped(link, 0) == 0
                    && LinkControl.acquireMapped(link, 1) == 0, () -> {
                        sendX();
                        pumpY();
                    });
            assertEquals(FenceFrameDescriptor.SEQUENCE_OUT, LinkControl.acquireFenceAck(link, 0));
        }
        for (int i = 0; i < 5; i++) {
            sendX();
        }
        long last = nextX - 1;
        until("Y got everything", () -> atY.size() == last, this::pumpY);
        assertSequence(atY, last);
        assertEquals(0, xToY.dropped);
        assertNull(x.remap().currentLink());
        assertNull(y.remap().currentLink());
        assertEquals(PortControl.acquireRequestWord(agentX.segment()), PortControl.acquireAckWord(agentX.segment()));
        assertEquals(PortControl.acquireRequestWord(agentY.segment()), PortControl.acquireAckWord(agentY.segment()));
        assertEquals(2, x.remapStats().fencesSent(), "one FENCE_IN, one FENCE_OUT");
        // port counters include the link traffic; the FENCE_IN crossed the switch like a frame, the
        // FENCE_OUT on the link is left out
        assertEquals(last + 1, x.stats().txPackets(), "data frames + the FENCE_IN on the old ring");
        assertEquals(last + 1, y.stats().rxPackets(), "data frames + the FENCE_IN consumed from the old ring");
        assertEquals((last + 1) * 64, x.stats().txBytes());
        assertEquals(2, y.remapStats().fencesConsumed());
        assertEquals(1, x.remapStats().linksFinished());
        assertEquals(0, x.remapStats().forcedReverts() + y.remapStats().forcedReverts());
    }

    @Test
    void aDroppedFenceIsRepeatedUntilAcknowledged() throws Exception {
        xToY.fencesToDrop = 2;
        Path linkFile = createLink(false, "link-7");
        attach();
        try (MappedRegion agent = MappedRegion.map(linkFile)) {
            MemorySegment link = agent.segment();
            publish(linkFile);
            until("both ends mapped", () -> LinkControl.acquireMapped(link, 0) == GEN
                    && LinkControl.acquireMapped(link, 1) == GEN, () -> {
                        sendX();
                        pumpY();
                    });
            LinkControl.releaseUsable(link, GEN);
            until("X on the link", () -> x.remap().senderPhase() == SenderPhase.ON_LINK, () -> {
                sendX();
                pumpY();
            });
            assertEquals(2, xToY.fencesDropped);
            assertTrue(x.remapStats().fencesSent() >= 3, "sent=" + x.remapStats().fencesSent());
            long last = nextX - 1;
            until("Y got everything", () -> atY.size() == last, this::pumpY);
            assertSequence(atY, last);
        }
    }

    @Test
    void twoWayLinkCarriesBothDirectionsAndReverts() throws Exception {
        Path linkFile = createLink(true, "link-7");
        attach();
        try (MappedRegion agent = MappedRegion.map(linkFile)) {
            MemorySegment link = agent.segment();
            publish(linkFile);
            Runnable both = () -> {
                sendX();
                sendY();
                pumpY();
                pumpX();
            };
            until("both ends mapped", () -> LinkControl.acquireMapped(link, 0) == GEN
                    && LinkControl.acquireMapped(link, 1) == GEN, both);
            LinkControl.releaseUsable(link, GEN);
            until("both directions acknowledged", () -> LinkControl.acquireFenceAck(link, 0) == 1
                    && LinkControl.acquireFenceAck(link, 1) == 1, both);
            for (int i = 0; i < 10; i++) {
                both.run();
            }
            assertEquals(SenderPhase.ON_LINK, x.remap().senderPhase());
            assertEquals(SenderPhase.ON_LINK, y.remap().senderPhase());
            assertEquals(ReceiverPhase.ON_LINK, x.remap().receiverPhase());
            detach();
            until("both ends unmapped", () -> LinkControl.acquireMapped(link, 0) == 0
                    && LinkControl.acquireMapped(link, 1) == 0, both);
            assertEquals(FenceFrameDescriptor.SEQUENCE_OUT, LinkControl.acquireFenceAck(link, 1));
        }
        long lastX = nextX - 1;
        long lastY = nextY - 1;
        until("everything arrived", () -> atY.size() == lastX && atX.size() == lastY, () -> {
            pumpY();
            pumpX();
        });
        assertSequence(atY, lastX);
        assertSequence(atX, lastY);
    }

    @Test
    void rollbackWhenOneEndNeverMapsLeavesTrafficOnTheSwitch() throws Exception {
        Path linkFile = createLink(false, "link-7");
        long wordY = attach();
        try (MappedRegion agent = MappedRegion.map(linkFile)) {
            MemorySegment link = agent.segment();
            // only X gets the device
            Files.createSymbolicLink(dirX.resolve(linkFile.getFileName()), linkFile);
            until("X mapped", () -> LinkControl.acquireMapped(link, 0) == GEN, () -> {
                sendX();
                pumpY();
            });
            assertEquals(0, LinkControl.acquireMapped(link, 1));
            assertTrue(PortControl.acquireAckWord(agentY.segment()) != wordY, "Y cannot have acknowledged");
            detach();
            until("X unmapped and acknowledged", () -> LinkControl.acquireMapped(link, 0) == 0
                    && PortControl.acquireAckWord(agentX.segment()) == PortControl.acquireRequestWord(agentX.segment()),
                    () -> {
                        sendX();
                        pumpY();
                    });
            until("Y acknowledged", () -> PortControl.acquireAckWord(agentY.segment())
                    == PortControl.acquireRequestWord(agentY.segment()), this::pumpY);
        }
        long last = nextX - 1;
        until("Y got everything", () -> atY.size() == last, this::pumpY);
        assertSequence(atY, last);
        assertEquals(0, x.remapStats().fencesSent());
        assertEquals(1, x.remapStats().linksFinished());
    }

    @Test
    void hostileLinkRegionsAreRefusedAndCountedWithoutThrowing() throws Exception {
        Path bad = createLink(false, "link-bad");
        try (MappedRegion corrupt = MappedRegion.map(bad)) {
            // ring table entry 0 points its ring outside the region
            corrupt.segment().set(Le.U64, RegionHeaderDescriptor.ringEntryOffset(0) + 8, 1L << 40);
        }
        publish(bad);
        attach();
        for (int i = 0; i < 50; i++) {
            sendX();
            pumpY();
            Thread.sleep(1);
        }
        assertNull(x.remap().currentLink());
        assertTrue(x.remapStats().rejectedRegions() > 0, "the corrupt region was counted");
        Path good = createLink(false, "link-good");
        publish(good);
        until("X maps the valid link", () -> x.remap().currentLink() != null, () -> {
            sendX();
            pumpY();
        });
        assertEquals(LINK + "/" + GEN, x.remap().currentLink());
        assertNotNull(x.remap());
    }

    @Test
    void forcedRevertWhenTheReceiverStopsLeavesTheLinkAndCountsIt() throws Exception {
        Path linkFile = createLink(false, "link-7");
        attach();
        try (MappedRegion agent = MappedRegion.map(linkFile)) {
            MemorySegment link = agent.segment();
            publish(linkFile);
            until("both ends mapped", () -> LinkControl.acquireMapped(link, 0) == GEN
                    && LinkControl.acquireMapped(link, 1) == GEN, () -> {
                        sendX();
                        pumpY();
                    });
            LinkControl.releaseUsable(link, GEN);
            until("X on the link", () -> x.remap().senderPhase() == SenderPhase.ON_LINK, () -> {
                sendX();
                pumpY();
            });
            // Y stops polling; the agent asks for the revert, then gives up (deadline) and forces it
            detach();
            for (int i = 0; i < 5; i++) {
                sendX();
            }
            assertEquals(SenderPhase.REVERTING, x.remap().senderPhase(), "X waits for Y's revertReady");
            LinkControl.releaseUsable(link, LinkControl.USABLE_FORCED);
            until("X left the link", () -> LinkControl.acquireMapped(link, 0) == 0, this::sendX);
            assertEquals(1, x.remapStats().forcedReverts());
            xToY.forward();
            long forwarded = xToY.forwarded;
            sendX();
            xToY.forward();
            assertEquals(forwarded + 1, xToY.forwarded, "X's traffic is back on the switch");
        }
    }

    /** Brings X onto a one-way link X -> Y (both ON_LINK after a few frames); returns the link's segment. */
    private void bypassXToY(MemorySegment link) {
        until("both ends mapped", () -> LinkControl.acquireMapped(link, 0) == GEN
                && LinkControl.acquireMapped(link, 1) == GEN, () -> {
                    sendX();
                    pumpY();
                });
        LinkControl.releaseUsable(link, GEN);
        until("X and Y on the link", () -> x.remap().senderPhase() == SenderPhase.ON_LINK
                && y.remap().receiverPhase() == ReceiverPhase.ON_LINK, () -> {
                    sendX();
                    pumpY();
                });
        for (int i = 0; i < 5; i++) {
            sendX();
            pumpY();
        }
    }

    /** What X's application does with the producer one transmitVia gave it: one frame, the next seq. */
    private void sendOn(org.ovshighway.guest.ring.RingProducer producer) {
        assertEquals(1, producer.send(new MemorySegment[] {MemorySegment.ofArray(frame(nextX))}, 1));
        nextX++;
    }

    @Test
    void aSenderStoppedInTheMiddleOfALinkBurstLosesNothingWhenTheRevertIsForced() throws Exception {
        Path linkFile = createLink(false, "link-7");
        attach();
        try (MappedRegion agent = MappedRegion.map(linkFile)) {
            MemorySegment link = agent.segment();
            publish(linkFile);
            bypassXToY(link);
            // X's burst took the link producer, then X was stopped before it published (SIGSTOP)
            org.ovshighway.guest.ring.RingProducer inFlight = x.remap().transmitVia(null);
            detach();
            for (int i = 0; i < 5; i++) {
                pumpY();
            }
            assertEquals(ReceiverPhase.DRAINING, y.remap().receiverPhase(), "Y waits for X's FENCE_OUT");
            // the revert deadline passed: the agent forces it
            LinkControl.releaseUsable(link, LinkControl.USABLE_FORCED);
            for (int i = 0; i < 20; i++) {
                pumpY();
            }
            assertEquals(ReceiverPhase.DRAINING, y.remap().receiverPhase(), "Y waits for X to leave the link");
            assertEquals(GEN, LinkControl.acquireMapped(link, 1), "Y keeps the link mapped meanwhile");
            // X resumes: its burst lands on the link, its next burst sees the forced revert
            sendOn(inFlight);
            sendOn(inFlight);
            for (int i = 0; i < 5; i++) {
                sendX();
            }
            assertEquals(SenderPhase.DONE, x.remap().senderPhase());
            assertEquals(GEN, LinkControl.acquireSenderLeft(link, 0), "X said it left the link");
            long last = nextX - 1;
            until("Y got everything", () -> atY.size() == last, this::pumpY);
            assertSequence(atY, last);
            until("both ends unmapped", () -> LinkControl.acquireMapped(link, 0) == 0
                    && LinkControl.acquireMapped(link, 1) == 0, this::pumpY);
            assertEquals(1, y.remapStats().forcedReverts());
            assertEquals(0, y.remapStats().forcedDropped());
        }
    }

    @Test
    void aReceiverStoppedBeforeItConsumedFenceInGetsEverythingInOrderWhenTheRevertIsForced() throws Exception {
        for (int i = 0; i < 3; i++) {
            sendX();
        }
        Path linkFile = createLink(false, "link-7");
        attach();
        try (MappedRegion agent = MappedRegion.map(linkFile)) {
            MemorySegment link = agent.segment();
            publish(linkFile);
            until("both ends mapped", () -> LinkControl.acquireMapped(link, 0) == GEN
                    && LinkControl.acquireMapped(link, 1) == GEN, () -> {
                        sendX();
                        pumpY();
                    });
            // Y stops polling now: X fences and sends on the link; the FENCE_IN waits in Y's RX ring
            LinkControl.releaseUsable(link, GEN);
            for (int i = 0; i < 10; i++) {
                sendX();
                xToY.forward();
            }
            assertEquals(SenderPhase.FENCING, x.remap().senderPhase());
            detach();
            LinkControl.releaseUsable(link, LinkControl.USABLE_FORCED);
            for (int i = 0; i < 10; i++) {
                sendX();
                xToY.forward();
            }
            assertEquals(SenderPhase.DONE, x.remap().senderPhase(), "X left on the forced revert");
            // Y resumes: old-ring frames up to FENCE_IN, the link's, then the old ring's again
            long last = nextX - 1;
            until("Y got everything", () -> atY.size() == last, this::pumpY);
            assertSequence(atY, last);
            until("Y unmapped", () -> LinkControl.acquireMapped(link, 1) == 0, this::pumpY);
            assertEquals(0, y.remapStats().forcedDropped());
            assertEquals(1, y.remapStats().forcedReverts());
        }
    }

    @Test
    void aForcedRevertWhoseFenceInTheSwitchDroppedDropsTheLinkFramesAndCountsThemButNeverReorders() throws Exception {
        Path linkFile = createLink(false, "link-7");
        attach();
        try (MappedRegion agent = MappedRegion.map(linkFile)) {
            MemorySegment link = agent.segment();
            publish(linkFile);
            until("both ends mapped", () -> LinkControl.acquireMapped(link, 0) == GEN
                    && LinkControl.acquireMapped(link, 1) == GEN, () -> {
                        sendX();
                        pumpY();
                    });
            long beforeLink = nextX - 1;
            until("Y got the frames sent before the link", () -> atY.size() == beforeLink, this::pumpY);
            // every copy of X's FENCE_IN is dropped by the switch (Y's ring was full: Y stopped)
            xToY.fencesToDrop = Integer.MAX_VALUE;
            LinkControl.releaseUsable(link, GEN);
            for (int i = 0; i < 4; i++) {
                sendX();
                xToY.forward();
            }
            long onLink = nextX - 1 - beforeLink;
            detach();
            LinkControl.releaseUsable(link, LinkControl.USABLE_FORCED);
            for (int i = 0; i < 3; i++) {
                sendX();
                xToY.forward();
            }
            assertEquals(SenderPhase.DONE, x.remap().senderPhase());
            long last = nextX - 1;
            until("Y gave up on the link", () -> y.remap().receiverPhase() == ReceiverPhase.DONE, () -> {
                pumpY();
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            until("Y got the frames after the link", () -> atY.size() == last - onLink, this::pumpY);
            List<Long> expected = new ArrayList<>();
            for (long seq = 1; seq <= last; seq++) {
                if (seq <= beforeLink || seq > beforeLink + onLink) {
                    expected.add(seq);
                }
            }
            assertEquals(expected, atY, "the link's frames are missing, nothing is out of order");
            assertEquals(onLink, y.remapStats().forcedDropped());
        }
    }

    @Test
    void aReceiverWaitingForAStoppedSenderGivesUpWhenTheAgentAsksForAnotherLink() throws Exception {
        Path linkFile = createLink(false, "link-7");
        attach();
        try (MappedRegion agent = MappedRegion.map(linkFile)) {
            MemorySegment link = agent.segment();
            publish(linkFile);
            bypassXToY(link);
            // X stops for good in the middle of a link burst: one frame published, more to come
            org.ovshighway.guest.ring.RingProducer inFlight = x.remap().transmitVia(null);
            sendOn(inFlight);
            detach();
            LinkControl.releaseUsable(link, LinkControl.USABLE_FORCED);
            for (int i = 0; i < 20; i++) {
                pumpY();
            }
            long delivered = atY.size();
            assertEquals(nextX - 1, delivered, "the published frame was drained");
            assertEquals(ReceiverPhase.DRAINING, y.remap().receiverPhase(), "Y waits for X to leave");
            // one more frame lands on the link, and before Y reads it the agent asks Y for another link
            sendOn(inFlight);
            PortControl.publishRequest(agentY.segment(), PortControl.OP_ATTACH, LINK + 1, GEN);
            until("Y left the link", () -> LinkControl.acquireMapped(link, 1) == 0, this::pumpY);
            assertEquals(1, y.remapStats().forcedDropped(), "the frame left on the link is counted");
            assertEquals(1, y.remapStats().forcedReverts());
            assertEquals(GEN, LinkControl.acquireReceiverGone(link, 0), "Y said it gave up on the link");
            // X comes back after all: its burst lands on a link nobody reads; X counts it when it leaves
            sendOn(inFlight);
            sendOn(inFlight);
            sendX();
            assertEquals(SenderPhase.DONE, x.remap().senderPhase());
            assertEquals(2, x.remapStats().forcedDropped(), "what X published after Y left is counted by X");
        }
    }
}
