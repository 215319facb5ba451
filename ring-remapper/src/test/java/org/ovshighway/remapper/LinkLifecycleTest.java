package org.ovshighway.remapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ovshighway.guest.abi.FenceFrameDescriptor;
import org.ovshighway.guest.abi.Le;
import org.ovshighway.guest.abi.LinkControl;
import org.ovshighway.guest.abi.PciAddress;
import org.ovshighway.guest.abi.PortControl;
import org.ovshighway.guest.abi.RegionValidator;
import org.ovshighway.guest.abi.RingCountersDescriptor;
import org.ovshighway.guest.abi.RingLayout;
import org.ovshighway.guest.mapping.MappedRegion;

/**
 * The host side of the remap protocol step by step, with a fake clock and the test writing the
 * guests' words (mapped, fence acknowledgements, revertReady, request acknowledgements) directly:
 * each state change, each deadline, and the counter folding.
 */
class LinkLifecycleTest {
    private static final RemapDeadlines DEADLINES = new RemapDeadlines(Duration.ofSeconds(5), Duration.ofSeconds(2),
            Duration.ofSeconds(2), Duration.ofSeconds(1));

    private Path dir;
    private long now = 1_000;
    private PortRegion portX;
    private PortRegion portY;
    private final RecordingAttacher attacher = new RecordingAttacher();
    private final List<LinkStatus> events = new ArrayList<>();
    private LinkSupervisor supervisor;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createDirectory(Path.of("/dev/shm", "hw-lifecycle-" + ProcessHandle.current().pid() + "-" + System.nanoTime()));
        RegionFiles files = RegionFiles.in(dir);
        portX = PortRegion.create(files, "port-x", "x", "guest-x");
        portY = PortRegion.create(files, "port-y", "y", "guest-y");
        supervisor = new LinkSupervisor(files, attacher, DEADLINES, () -> now, events::add);
    }

    @AfterEach
    void tearDown() throws IOException {
        portX.delete();
        portY.delete();
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    private Path linkFile(long linkId) {
        return dir.resolve("hwlink-" + linkId);
    }

    /** What a guest library does when it mapped: mapped[end] = generation, ATTACH acknowledged. */
    private static void guestMaps(MemorySegment link, int end, PortRegion port) {
        LinkControl.releaseMapped(link, end, 1);
        PortControl.acknowledge(port.segment(), PortControl.acquireRequestWord(port.segment()), PortControl.STATUS_DONE);
    }

    /** What a guest library does when its roles are finished: mapped[end] = 0, DETACH acknowledged. */
    /** Both guests map (ATTACHING -> USABLE), then Y acknowledges X's FENCE_IN (-> ACTIVE for a one-way link). */
    private void mapBothAndAckFenceIn(MemorySegment link) {
        guestMaps(link, 0, portX);
        guestMaps(link, 1, portY);
        supervisor.tick();
        LinkControl.releaseFenceAck(link, 0, FenceFrameDescriptor.SEQUENCE_IN);
        supervisor.tick();
    }

    private static void guestUnmaps(MemorySegment link, int end, PortRegion port) {
        LinkControl.releaseMapped(link, end, 0);
        PortControl.acknowledge(port.segment(), PortControl.acquireRequestWord(port.segment()), PortControl.STATUS_DONE);
    }

    private static void producerCounters(MemorySegment link, RingLayout ring, long packets, long bytes) {
        link.set(Le.U64, ring.producerCountersOffset() + RingCountersDescriptor.PRODUCER_PACKETS_OFFSET, packets);
        link.set(Le.U64, ring.producerCountersOffset() + RingCountersDescriptor.PRODUCER_BYTES_OFFSET, bytes);
    }

    private static void consumerCounters(MemorySegment link, RingLayout ring, long packets, long bytes) {
        link.set(Le.U64, ring.producerCountersOffset() + RingCountersDescriptor.CONSUMER_PACKETS_OFFSET, packets);
        link.set(Le.U64, ring.producerCountersOffset() + RingCountersDescriptor.CONSUMER_BYTES_OFFSET, bytes);
    }

    @Test
    void establishesRevertsAndFoldsCountersStepByStep() throws Exception {
        PciAddress slot7 = PciAddress.parse("0000:00:07.0");
        attacher.addresses.put("guest-x", slot7);
        CompletableFuture<LinkStatus> established = supervisor.establish(PortEnd.of(portX), PortEnd.of(portY), false);
        supervisor.tick();
        LinkStatus status = supervisor.linkOf("x");
        long id = status.linkId();
        assertEquals(LinkState.ATTACHING, status.state());
        assertEquals(List.of("attach guest-x hwlink-" + id, "attach guest-y hwlink-" + id), attacher.calls);
        long attachX = PortControl.acquireRequestWord(portX.segment());
        assertEquals(PortControl.OP_ATTACH, PortControl.opcode(attachX));
        assertEquals(id, PortControl.readRequest(portX.segment()).linkId());
        // each ATTACH names its guest's device where the attacher knows it
        assertEquals(slot7, PortControl.readRequest(portX.segment()).deviceAddress());
        assertEquals(PciAddress.NONE, PortControl.readRequest(portY.segment()).device());
        try (MappedRegion guests = MappedRegion.map(linkFile(id))) {
            MemorySegment link = guests.segment();
            RingLayout ring0 = RegionValidator.validate(link).layout().find(0, 0);
            guestMaps(link, 0, portX);
            supervisor.tick();
            assertEquals(LinkState.ATTACHING, supervisor.linkOf("x").state(), "one end is not enough");
            assertEquals(0, LinkControl.acquireUsable(link));
            guestMaps(link, 1, portY);
            supervisor.tick();
            assertEquals(LinkState.USABLE, supervisor.linkOf("x").state());
            assertEquals(1, LinkControl.acquireUsable(link));
            assertFalse(established.isDone());
            LinkControl.releaseFenceAck(link, 0, FenceFrameDescriptor.SEQUENCE_IN);
            supervisor.tick();
            assertEquals(LinkState.ACTIVE, established.get().state());

            // traffic on the link: 100 frames of 100 bytes, 90 of them received so far
            producerCounters(link, ring0, 100, 10_000);
            consumerCounters(link, ring0, 90, 9_000);
            assertEquals(new BypassCounters.PortCounters(100, 10_000, 0, 0), supervisor.port("x"));
            assertEquals(new BypassCounters.PortCounters(0, 0, 90, 9_000), supervisor.port("y"));
            assertEquals(new BypassCounters.TrafficCounters(100, 10_000), supervisor.direction("x", "y"));
            assertEquals(BypassCounters.TrafficCounters.ZERO, supervisor.direction("y", "x"));

            CompletableFuture<LinkStatus> reverted = supervisor.revert(id);
            supervisor.tick();
            assertEquals(LinkState.REVERTING, supervisor.linkOf("x").state());
            assertEquals(PortControl.OP_DETACH, PortControl.opcode(PortControl.acquireRequestWord(portX.segment())));
            assertEquals(PortControl.OP_DETACH, PortControl.opcode(PortControl.acquireRequestWord(portY.segment())));
            // Y ready, X puts FENCE_OUT (one more produced frame of 64 bytes), Y consumes it with the rest
            LinkControl.releaseRevertReady(link, 0, 1);
            producerCounters(link, ring0, 101, 10_000 + FenceFrameDescriptor.SIZE);
            consumerCounters(link, ring0, 101, 10_000 + FenceFrameDescriptor.SIZE);
            LinkControl.releaseFenceAck(link, 0, FenceFrameDescriptor.SEQUENCE_OUT);
            supervisor.tick();
            assertEquals(LinkState.REVERTING, supervisor.linkOf("x").state(), "ends still mapped");
            guestUnmaps(link, 0, portX);
            guestUnmaps(link, 1, portY);
            supervisor.tick();
            assertEquals(LinkOutcome.REVERTED, reverted.get().outcome());
        }
        assertNull(supervisor.linkOf("x"));
        assertFalse(Files.exists(linkFile(id)), "region deleted");
        assertEquals(4, attacher.calls.size());
        assertTrue(attacher.calls.get(3).startsWith("detach"));
        // folded: exactly what OVS would have counted, without the FENCE_OUT
        assertEquals(new BypassCounters.PortCounters(100, 10_000, 0, 0), supervisor.port("x"));
        assertEquals(new BypassCounters.PortCounters(0, 0, 100, 10_000), supervisor.port("y"));
        assertEquals(new BypassCounters.TrafficCounters(100, 10_000), supervisor.direction("x", "y"));
        assertEquals(1, supervisor.reverts());
        assertEquals(LinkState.CLOSED, events.getLast().state());
    }

    @Test
    void fastTicksOnlyWhileALinkIsOnItsWayUpOrDownOrACommandWaits() throws Exception {
        assertFalse(supervisor.wantsFastTicks(), "no link, nothing queued");
        CompletableFuture<LinkStatus> established = supervisor.establish(PortEnd.of(portX), PortEnd.of(portY), false);
        assertTrue(supervisor.wantsFastTicks(), "a command waits");
        supervisor.tick();
        long id = supervisor.linkOf("x").linkId();
        assertTrue(supervisor.wantsFastTicks(), "ATTACHING: the guests' mapped words are polled");
        try (MappedRegion guests = MappedRegion.map(linkFile(id))) {
            MemorySegment link = guests.segment();
            guestMaps(link, 0, portX);
            guestMaps(link, 1, portY);
            supervisor.tick();
            assertTrue(supervisor.wantsFastTicks(), "USABLE: the fence acknowledgement is polled");
            LinkControl.releaseFenceAck(link, 0, FenceFrameDescriptor.SEQUENCE_IN);
            supervisor.tick();
            assertEquals(LinkState.ACTIVE, established.get().state());
            assertFalse(supervisor.wantsFastTicks(), "ACTIVE moves on only by a command");
            CompletableFuture<LinkStatus> reverted = supervisor.revert(id);
            assertTrue(supervisor.wantsFastTicks());
            supervisor.tick();
            assertTrue(supervisor.wantsFastTicks(), "REVERTING");
            LinkControl.releaseRevertReady(link, 0, 1);
            LinkControl.releaseFenceAck(link, 0, FenceFrameDescriptor.SEQUENCE_OUT);
            guestUnmaps(link, 0, portX);
            guestUnmaps(link, 1, portY);
            supervisor.tick();
            assertEquals(LinkOutcome.REVERTED, reverted.get().outcome());
        }
        assertFalse(supervisor.wantsFastTicks(), "closed: idle again");
    }

    @Test
    void theAttacherIsAskedToPrepareWhenNoLinkWaitsAndAgainAfterEachAttach() throws Exception {
        supervisor.tick();
        assertEquals(1, attacher.prepared, "idle: prepared once");
        supervisor.tick();
        assertEquals(1, attacher.prepared, "not again within a second");
        CompletableFuture<LinkStatus> established = supervisor.establish(PortEnd.of(portX), PortEnd.of(portY), false);
        supervisor.tick();
        assertEquals(1, attacher.prepared, "not while a link is on its way up");
        long id = supervisor.linkOf("x").linkId();
        try (MappedRegion guests = MappedRegion.map(linkFile(id))) {
            MemorySegment link = guests.segment();
            mapBothAndAckFenceIn(link);
            assertEquals(LinkState.ACTIVE, established.get().state());
            assertEquals(2, attacher.prepared, "the attach used what was prepared: prepared again once settled");
        }
        now += 2_000_000_000L;
        supervisor.tick();
        assertEquals(3, attacher.prepared, "and every second while idle");
    }

    @Test
    void aSecondLinkAddsToTheFoldedBase() throws Exception {
        for (int round = 1; round <= 2; round++) {
            CompletableFuture<LinkStatus> established = supervisor.establish(PortEnd.of(portX), PortEnd.of(portY), true);
            supervisor.tick();
            long id = supervisor.linkOf("y").linkId();
            try (MappedRegion guests = MappedRegion.map(linkFile(id))) {
                MemorySegment link = guests.segment();
                var layout = RegionValidator.validate(link).layout();
                mapBothAndAckFenceIn(link);
                assertEquals(LinkState.USABLE, supervisor.linkOf("x").state(), "a two-way link waits for both fences");
                LinkControl.releaseFenceAck(link, 1, FenceFrameDescriptor.SEQUENCE_IN);
                supervisor.tick();
                assertEquals(LinkState.ACTIVE, established.get().state());
                producerCounters(link, layout.find(1, 0), 7, 700);
                consumerCounters(link, layout.find(1, 0), 7, 700);
                assertEquals(new BypassCounters.PortCounters(7L * round, 700L * round, 0, 0), supervisor.port("y"));
                CompletableFuture<LinkStatus> reverted = supervisor.revert(id);
                supervisor.tick();
                for (int d = 0; d < 2; d++) {
                    LinkControl.releaseRevertReady(link, d, 1);
                    LinkControl.releaseFenceAck(link, d, FenceFrameDescriptor.SEQUENCE_OUT);
                }
                // each sender's FENCE_OUT went over the link: the ring counters include it
                producerCounters(link, layout.find(0, 0), 1, FenceFrameDescriptor.SIZE);
                consumerCounters(link, layout.find(0, 0), 1, FenceFrameDescriptor.SIZE);
                producerCounters(link, layout.find(1, 0), 8, 700 + FenceFrameDescriptor.SIZE);
                consumerCounters(link, layout.find(1, 0), 8, 700 + FenceFrameDescriptor.SIZE);
                guestUnmaps(link, 0, portX);
                guestUnmaps(link, 1, portY);
                supervisor.tick();
                assertEquals(LinkOutcome.REVERTED, reverted.get().outcome());
            }
            assertEquals(new BypassCounters.PortCounters(7L * round, 700L * round, 0, 0), supervisor.port("y"));
            assertEquals(new BypassCounters.PortCounters(0, 0, 7L * round, 700L * round), supervisor.port("x"));
            assertEquals(new BypassCounters.TrafficCounters(7L * round, 700L * round), supervisor.direction("y", "x"));
        }
    }

    @Test
    void aStandbyLinkWaitsMappedWithoutUsableOrDeadlineUntilActivated() throws Exception {
        CompletableFuture<LinkStatus> standing = supervisor.standby(PortEnd.of(portX), PortEnd.of(portY), false);
        supervisor.tick();
        long id = supervisor.linkOf("x").linkId();
        assertEquals(PortControl.OP_ATTACH, PortControl.opcode(PortControl.acquireRequestWord(portX.segment())));
        try (MappedRegion guests = MappedRegion.map(linkFile(id))) {
            MemorySegment link = guests.segment();
            guestMaps(link, 0, portX);
            guestMaps(link, 1, portY);
            supervisor.tick();
            assertEquals(LinkState.STANDBY, standing.get().state());
            assertEquals(0, LinkControl.acquireUsable(link), "usable withheld: both guests stay on their rings");
            assertFalse(supervisor.wantsFastTicks(), "STANDBY moves on only by a command");
            now += DEADLINES.map().toNanos() + DEADLINES.fence().toNanos() + DEADLINES.grace().toNanos();
            supervisor.tick();
            assertEquals(LinkState.STANDBY, supervisor.linkOf("x").state(), "no deadline while standing by");

            CompletableFuture<LinkStatus> activated = supervisor.activate(id);
            supervisor.tick();
            assertEquals(LinkState.USABLE, supervisor.linkOf("x").state());
            assertEquals(1, LinkControl.acquireUsable(link));
            assertFalse(activated.isDone());
            now += DEADLINES.fence().toNanos() - 1;
            LinkControl.releaseFenceAck(link, 0, FenceFrameDescriptor.SEQUENCE_IN);
            supervisor.tick();
            assertEquals(LinkState.ACTIVE, activated.get().state());
            assertEquals(id, activated.get().linkId());
        }
        assertTrue(events.stream().anyMatch(e -> e.state() == LinkState.STANDBY), "the listener heard STANDBY");
    }

    @Test
    void aStandbyLinkActivatedBeforeBothEndsMappedGoesStraightToUsable() throws Exception {
        CompletableFuture<LinkStatus> standing = supervisor.standby(PortEnd.of(portX), PortEnd.of(portY), false);
        supervisor.tick();
        long id = supervisor.linkOf("x").linkId();
        CompletableFuture<LinkStatus> activated = supervisor.activate(id);
        supervisor.tick();
        assertEquals(LinkState.ATTACHING, supervisor.linkOf("x").state());
        try (MappedRegion guests = MappedRegion.map(linkFile(id))) {
            MemorySegment link = guests.segment();
            mapBothAndAckFenceIn(link);
            assertEquals(LinkState.ACTIVE, activated.get().state());
            assertEquals(LinkState.ACTIVE, standing.get().state(), "never stood by: ready once active");
        }
        assertTrue(events.stream().noneMatch(e -> e.state() == LinkState.STANDBY));
        CompletableFuture<LinkStatus> again = supervisor.activate(id);
        supervisor.tick();
        assertTrue(again.isCompletedExceptionally(), "an active link is no standby link");
    }

    /** A standby link x -> y that both guests mapped, in STANDBY; returns its id. */
    private long standbyMappedByBoth(boolean twoWay) throws Exception {
        CompletableFuture<LinkStatus> standing = supervisor.standby(PortEnd.of(portX), PortEnd.of(portY), twoWay);
        supervisor.tick();
        long id = supervisor.linkOf("x").linkId();
        try (MappedRegion guests = MappedRegion.map(linkFile(id))) {
            guestMaps(guests.segment(), 0, portX);
            guestMaps(guests.segment(), 1, portY);
        }
        supervisor.tick();
        assertEquals(LinkState.STANDBY, standing.get().state());
        return id;
    }

    @Test
    void aRevertedStandbyLinkIsRolledBackAndANormalLinkCannotBeActivated() throws Exception {
        long id = standbyMappedByBoth(true);
        try (MappedRegion guests = MappedRegion.map(linkFile(id))) {
            MemorySegment link = guests.segment();
            CompletableFuture<LinkStatus> reverted = supervisor.revert(id);
            supervisor.tick();
            assertEquals(LinkState.ROLLING_BACK, supervisor.linkOf("x").state());
            assertEquals(PortControl.OP_DETACH, PortControl.opcode(PortControl.acquireRequestWord(portY.segment())));
            assertEquals(0, LinkControl.acquireUsable(link), "never usable");
            guestUnmaps(link, 0, portX);
            guestUnmaps(link, 1, portY);
            supervisor.tick();
            assertEquals(LinkOutcome.ROLLED_BACK, reverted.get().outcome());
        }
        assertFalse(Files.exists(linkFile(id)));
        assertEquals(1, supervisor.rollbacks());

        supervisor.establish(PortEnd.of(portX), PortEnd.of(portY), false);
        supervisor.tick();
        CompletableFuture<LinkStatus> notStandby = supervisor.activate(supervisor.linkOf("x").linkId());
        supervisor.tick();
        assertTrue(notStandby.isCompletedExceptionally());
        assertEquals(LinkState.ATTACHING, supervisor.linkOf("x").state());
    }

    @Test
    void forceAllRollsBackAStandbyLink() throws Exception {
        long id = standbyMappedByBoth(false);
        try (MappedRegion guests = MappedRegion.map(linkFile(id))) {
            MemorySegment link = guests.segment();
            CompletableFuture<Void> all = supervisor.forceAll();
            supervisor.tick();
            assertEquals(LinkState.ROLLING_BACK, supervisor.linkOf("x").state());
            guestUnmaps(link, 0, portX);
            guestUnmaps(link, 1, portY);
            supervisor.tick();
            all.get();
        }
        assertNull(supervisor.linkOf("x"));
        assertEquals(1, supervisor.rollbacks());
    }

    @Test
    void rollsBackWhenAnEndDoesNotMapBeforeTheDeadline() throws Exception {
        CompletableFuture<LinkStatus> established = supervisor.establish(PortEnd.of(portX), PortEnd.of(portY), false);
        supervisor.tick();
        long id = supervisor.linkOf("x").linkId();
        try (MappedRegion guests = MappedRegion.map(linkFile(id))) {
            MemorySegment link = guests.segment();
            guestMaps(link, 0, portX);
            now += DEADLINES.map().toNanos() - 1;
            supervisor.tick();
            assertEquals(LinkState.ATTACHING, supervisor.linkOf("x").state());
            now += 1;
            supervisor.tick();
            assertEquals(LinkState.ROLLING_BACK, supervisor.linkOf("x").state());
            assertEquals(0, LinkControl.acquireUsable(link), "never usable: traffic never left OVS");
            assertEquals(PortControl.OP_DETACH, PortControl.opcode(PortControl.acquireRequestWord(portX.segment())));
            guestUnmaps(link, 0, portX);
            supervisor.tick();
            assertEquals(LinkState.ROLLING_BACK, supervisor.linkOf("x").state(), "Y has not acknowledged DETACH");
            now += DEADLINES.grace().toNanos();
            supervisor.tick();
        }
        assertEquals(LinkOutcome.ROLLED_BACK, established.get().outcome());
        assertNull(supervisor.linkOf("x"));
        assertEquals(1, supervisor.rollbacks());
        assertFalse(Files.exists(linkFile(id)));
    }

    @Test
    void forcesTheRevertWhenAGuestStopsAfterUsable() throws Exception {
        supervisor.establish(PortEnd.of(portX), PortEnd.of(portY), false);
        supervisor.tick();
        long id = supervisor.linkOf("x").linkId();
        try (MappedRegion guests = MappedRegion.map(linkFile(id))) {
            MemorySegment link = guests.segment();
            guestMaps(link, 0, portX);
            guestMaps(link, 1, portY);
            supervisor.tick();
            assertEquals(LinkState.USABLE, supervisor.linkOf("x").state());
            // Y stopped: its fence acknowledgement never comes
            now += DEADLINES.fence().toNanos();
            supervisor.tick();
            assertEquals(LinkState.FORCING, supervisor.linkOf("x").state());
            assertEquals(LinkControl.USABLE_FORCED, LinkControl.acquireUsable(link), "forced: was usable, no longer is");
            assertEquals(PortControl.OP_DETACH, PortControl.opcode(PortControl.acquireRequestWord(portY.segment())));
            guestUnmaps(link, 0, portX);
            supervisor.tick();
            assertEquals(LinkState.FORCING, supervisor.linkOf("x").state());
            now += DEADLINES.grace().toNanos();
            supervisor.tick();
        }
        assertNull(supervisor.linkOf("x"));
        assertEquals(1, supervisor.forcedReverts());
        assertEquals(LinkOutcome.FORCED, events.getLast().outcome());
    }

    @Test
    void aRevertDeadlineForcesTheRevert() throws Exception {
        supervisor.establish(PortEnd.of(portX), PortEnd.of(portY), false);
        supervisor.tick();
        long id = supervisor.linkOf("x").linkId();
        try (MappedRegion guests = MappedRegion.map(linkFile(id))) {
            MemorySegment link = guests.segment();
            mapBothAndAckFenceIn(link);
            CompletableFuture<LinkStatus> reverted = supervisor.revert(id);
            supervisor.tick();
            now += DEADLINES.revert().toNanos();
            supervisor.tick();
            assertEquals(LinkState.FORCING, supervisor.linkOf("x").state());
            guestUnmaps(link, 0, portX);
            guestUnmaps(link, 1, portY);
            supervisor.tick();
            assertEquals(LinkOutcome.FORCED, reverted.get().outcome());
        }
    }

    @Test
    void forceAllForcesAnActiveLinkAndRollsBackAnAttachingOneWithoutWaitingForDeadlines() throws Exception {
        PortRegion portZ = PortRegion.create(RegionFiles.in(dir), "port-z", "z", "guest-z");
        PortRegion portW = PortRegion.create(RegionFiles.in(dir), "port-w", "w", "guest-w");
        try {
            supervisor.establish(PortEnd.of(portX), PortEnd.of(portY), false);
            supervisor.tick();
            long active = supervisor.linkOf("x").linkId();
            try (MappedRegion guests = MappedRegion.map(linkFile(active))) {
                MemorySegment link = guests.segment();
                mapBothAndAckFenceIn(link);
                assertEquals(LinkState.ACTIVE, supervisor.linkOf("x").state());
                supervisor.establish(PortEnd.of(portZ), PortEnd.of(portW), true);
                supervisor.tick();
                long attaching = supervisor.linkOf("z").linkId();
                assertEquals(LinkState.ATTACHING, supervisor.linkOf("z").state());

                CompletableFuture<Void> all = supervisor.forceAll();
                supervisor.tick();
                assertEquals(LinkState.FORCING, supervisor.linkOf("x").state());
                assertEquals(LinkControl.USABLE_FORCED, LinkControl.acquireUsable(link), "usable cleared");
                assertEquals(PortControl.OP_DETACH, PortControl.readRequest(portX.segment()).opcode());
                assertEquals(LinkState.ROLLING_BACK, supervisor.linkOf("z").state());
                assertFalse(all.isDone(), "the guests get their grace time");
                now += DEADLINES.grace().toNanos();
                supervisor.tick();
                all.get(1, java.util.concurrent.TimeUnit.SECONDS);
                assertEquals(List.of(), supervisor.links());
                assertFalse(Files.exists(linkFile(active)), "region deleted");
                assertFalse(Files.exists(linkFile(attaching)), "region deleted");
                assertEquals(1, supervisor.forcedReverts());
                assertEquals(1, supervisor.rollbacks());
            }
        } finally {
            portZ.delete();
            portW.delete();
        }
    }

    @Test
    void aRestartedSupervisorAdoptsAnActiveLinkWithItsCountersAndRevertsItLater() throws Exception {
        supervisor.establish(PortEnd.of(portX), PortEnd.of(portY), false);
        supervisor.tick();
        long id = supervisor.linkOf("x").linkId();
        try (MappedRegion guests = MappedRegion.map(linkFile(id))) {
            MemorySegment link = guests.segment();
            RingLayout ring0 = RegionValidator.validate(link).layout().find(0, 0);
            mapBothAndAckFenceIn(link);
            assertEquals(LinkState.ACTIVE, supervisor.linkOf("x").state());
            producerCounters(link, ring0, 100, 10_000);
            consumerCounters(link, ring0, 90, 9_000);
            long requestX = PortControl.acquireRequestWord(portX.segment());

            // the agent is killed (its supervisor simply stops), a new one starts on the same files
            RecordingAttacher second = new RecordingAttacher();
            List<LinkStatus> secondEvents = new ArrayList<>();
            LinkSupervisor restarted = new LinkSupervisor(RegionFiles.in(dir), second, DEADLINES, () -> now,
                    secondEvents::add);
            CompletableFuture<List<LinkStatus>> adopted = restarted.adoptLeftovers(
                    java.util.Map.of("x", PortEnd.of(portX), "y", PortEnd.of(portY)));
            restarted.tick();
            assertEquals(List.of(new LinkStatus(id, 1, "x", "y", false, LinkState.ACTIVE, LinkOutcome.OPEN)), adopted.get());
            assertEquals(requestX, PortControl.acquireRequestWord(portX.segment()), "the guests were not disturbed");
            assertEquals(List.of("adopt guest-x hwlink-" + id, "adopt guest-y hwlink-" + id), second.calls);
            assertEquals(new BypassCounters.PortCounters(100, 10_000, 0, 0), restarted.port("x"));
            assertEquals(new BypassCounters.TrafficCounters(100, 10_000), restarted.direction("x", "y"));

            CompletableFuture<LinkStatus> reverted = restarted.revert(id);
            restarted.tick();
            assertEquals(LinkState.REVERTING, restarted.linkOf("x").state());
            LinkControl.releaseRevertReady(link, 0, 1);
            LinkControl.releaseFenceAck(link, 0, FenceFrameDescriptor.SEQUENCE_OUT);
            guestUnmaps(link, 0, portX);
            guestUnmaps(link, 1, portY);
            restarted.tick();
            assertEquals(LinkOutcome.REVERTED, reverted.get().outcome());
            assertFalse(Files.exists(linkFile(id)), "region deleted");
            assertTrue(second.calls.getLast().startsWith("detach"), second.calls.toString());
        }
    }

    @Test
    void aRestartedSupervisorForcesALinkWhoseFenceWasNeverAcknowledgedAndIgnoresOtherAgentsLinks() throws Exception {
        supervisor.establish(PortEnd.of(portX), PortEnd.of(portY), false);
        supervisor.tick();
        long id = supervisor.linkOf("x").linkId();
        try (MappedRegion guests = MappedRegion.map(linkFile(id))) {
            MemorySegment link = guests.segment();
            guestMaps(link, 0, portX);
            guestMaps(link, 1, portY);
            supervisor.tick();
            assertEquals(LinkState.USABLE, supervisor.linkOf("x").state());

            // a port this agent does not have: another agent's link in the same directory
            PortRegion portZ = PortRegion.create(RegionFiles.in(dir), "port-z", "z", "guest-z");
            PortRegion portW = PortRegion.create(RegionFiles.in(dir), "port-w", "w", "guest-w");
            try {
                supervisor.establish(PortEnd.of(portZ), PortEnd.of(portW), false);
                supervisor.tick();
                long other = supervisor.linkOf("z").linkId();

                LinkSupervisor restarted = new LinkSupervisor(RegionFiles.in(dir), new RecordingAttacher(), DEADLINES,
                        () -> now, s -> { });
                CompletableFuture<List<LinkStatus>> adopted = restarted.adoptLeftovers(
                        java.util.Map.of("x", PortEnd.of(portX), "y", PortEnd.of(portY)));
                restarted.tick();
                assertEquals(1, adopted.get().size(), adopted.get().toString());
                assertEquals(LinkState.FORCING, adopted.get().getFirst().state());
                assertEquals(LinkControl.USABLE_FORCED, LinkControl.acquireUsable(link));
                assertEquals(PortControl.OP_DETACH, PortControl.readRequest(portX.segment()).opcode());
                assertNull(restarted.linkOf("z"), "another agent's link is left alone");
                assertTrue(Files.exists(linkFile(other)));
                guestUnmaps(link, 0, portX);
                guestUnmaps(link, 1, portY);
                restarted.tick();
                assertNull(restarted.linkOf("x"));
                assertEquals(1, restarted.forcedReverts());
            } finally {
                portZ.delete();
                portW.delete();
            }
        }
    }

    /** A supervisor started anew on the same files (the agent was killed: its supervisor simply stops). */
    private LinkSupervisor restartedSupervisor(RecordingAttacher attacher, List<LinkStatus> events) {
        return new LinkSupervisor(RegionFiles.in(dir), attacher, DEADLINES, () -> now, events::add);
    }

    @Test
    void aRestartedSupervisorAdoptsAStandbyLinkBothGuestsMappedAsStandbyAndActivatesIt() throws Exception {
        long id = standbyMappedByBoth(true);
        long requestX = PortControl.acquireRequestWord(portX.segment());
        long requestY = PortControl.acquireRequestWord(portY.segment());

        RecordingAttacher second = new RecordingAttacher();
        List<LinkStatus> secondEvents = new ArrayList<>();
        LinkSupervisor restarted = restartedSupervisor(second, secondEvents);
        CompletableFuture<List<LinkStatus>> adopted = restarted.adoptLeftovers(
                java.util.Map.of("x", PortEnd.of(portX), "y", PortEnd.of(portY)));
        restarted.tick();
        assertEquals(List.of(new LinkStatus(id, 1, "x", "y", true, LinkState.STANDBY, LinkOutcome.OPEN)), adopted.get());
        assertEquals(List.of("adopt guest-x hwlink-" + id, "adopt guest-y hwlink-" + id), second.calls);
        assertTrue(secondEvents.stream().anyMatch(e -> e.state() == LinkState.STANDBY), "the listener heard STANDBY");
        assertTrue(Files.exists(linkFile(id)), "region kept");
        assertEquals(requestX, PortControl.acquireRequestWord(portX.segment()), "the guests were not disturbed");
        assertEquals(requestY, PortControl.acquireRequestWord(portY.segment()), "the guests were not disturbed");
        try (MappedRegion guests = MappedRegion.map(linkFile(id))) {
            MemorySegment link = guests.segment();
            assertEquals(0, LinkControl.acquireUsable(link), "usable still withheld");
            assertFalse(restarted.wantsFastTicks(), "STANDBY moves on only by a command");
            now += DEADLINES.map().toNanos() + DEADLINES.fence().toNanos() + DEADLINES.grace().toNanos();
            restarted.tick();
            assertEquals(LinkState.STANDBY, restarted.linkOf("x").state(), "no deadline while standing by");

            CompletableFuture<LinkStatus> activated = restarted.activate(id);
            restarted.tick();
            assertEquals(LinkState.USABLE, restarted.linkOf("x").state());
            assertEquals(1, LinkControl.acquireUsable(link));
            LinkControl.releaseFenceAck(link, 0, FenceFrameDescriptor.SEQUENCE_IN);
            restarted.tick();
            assertFalse(activated.isDone(), "two-way: y's FENCE_IN not acknowledged yet");
            LinkControl.releaseFenceAck(link, 1, FenceFrameDescriptor.SEQUENCE_IN);
            restarted.tick();
            assertEquals(new LinkStatus(id, 1, "x", "y", true, LinkState.ACTIVE, LinkOutcome.OPEN), activated.get());
            RingLayout ring1 = RegionValidator.validate(link).layout().find(1, 0);
            producerCounters(link, ring1, 40, 4_000);
            assertEquals(new BypassCounters.TrafficCounters(40, 4_000), restarted.direction("y", "x"), "y -> x on the link");
        }
        assertEquals(0, restarted.rollbacks() + restarted.forcedReverts());
    }

    @Test
    void aRestartedSupervisorRollsBackALinkNotUsableYetThatOnlyOneEndMapped() throws Exception {
        supervisor.standby(PortEnd.of(portX), PortEnd.of(portY), false);
        supervisor.tick();
        long id = supervisor.linkOf("x").linkId();
        LinkSupervisor restarted = restartedSupervisor(new RecordingAttacher(), new ArrayList<>());
        try (MappedRegion guests = MappedRegion.map(linkFile(id))) {
            MemorySegment link = guests.segment();
            guestMaps(link, 0, portX);

            CompletableFuture<List<LinkStatus>> adopted = restarted.adoptLeftovers(
                    java.util.Map.of("x", PortEnd.of(portX), "y", PortEnd.of(portY)));
            restarted.tick();
            assertEquals(LinkState.ROLLING_BACK, adopted.get().getFirst().state());
            assertEquals(PortControl.OP_DETACH, PortControl.opcode(PortControl.acquireRequestWord(portX.segment())));
            assertEquals(PortControl.OP_DETACH, PortControl.opcode(PortControl.acquireRequestWord(portY.segment())));
            CompletableFuture<LinkStatus> activated = restarted.activate(id);
            restarted.tick();
            assertTrue(activated.isCompletedExceptionally(), "a link rolling back is no standby link");
            guestUnmaps(link, 0, portX);
            guestUnmaps(link, 1, portY);
            restarted.tick();
            assertEquals(0, LinkControl.acquireUsable(link), "never usable");
        }
        assertNull(restarted.linkOf("x"));
        assertEquals(1, restarted.rollbacks());
        assertFalse(Files.exists(linkFile(id)), "region deleted");
    }

    @Test
    void aPortOnALinkCannotJoinASecondOne() throws Exception {
        supervisor.establish(PortEnd.of(portX), PortEnd.of(portY), false);
        supervisor.tick();
        CompletableFuture<LinkStatus> second = supervisor.establish(PortEnd.of(portY), PortEnd.of(portX), false);
        supervisor.tick();
        assertTrue(second.isCompletedExceptionally());
        assertEquals(1, supervisor.links().size());
    }
}
