package org.ovshighway.guest.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegionLayoutRoundTripTest {

    @Test
    void headerLinesAreWhereTheDocumentSaysAndEachWriterHasItsOwnLine() {
        assertEquals(128, RegionHeaderDescriptor.CONTROL_REQUEST_OFFSET);
        assertEquals(192, RegionHeaderDescriptor.CONTROL_ACK_OFFSET);
        assertEquals(256, RegionHeaderDescriptor.MAPPED0_OFFSET);
        assertEquals(320, RegionHeaderDescriptor.MAPPED1_OFFSET);
        assertEquals(264, RegionHeaderDescriptor.senderLeftOffset(0), "senderLeft[0] beside mapped[0]: both end 0's");
        assertEquals(328, RegionHeaderDescriptor.senderLeftOffset(1), "senderLeft[1] beside mapped[1]: both end 1's");
        assertEquals(136, RegionHeaderDescriptor.receiverGoneOffset(0), "receiverGone[0] beside revertReady[0]");
        assertEquals(200, RegionHeaderDescriptor.receiverGoneOffset(1), "receiverGone[1] beside revertReady[1]");
        assertEquals(384, RegionHeaderDescriptor.USABLE_OFFSET);
        assertEquals(448, RegionHeaderDescriptor.FENCE_ACK0_OFFSET);
        assertEquals(512, RegionHeaderDescriptor.FENCE_ACK1_OFFSET);
        assertEquals(576, RegionHeaderDescriptor.RING_TABLE_OFFSET);
        assertEquals(576 + 2 * 64 + 2 * 128, RegionHeaderDescriptor.headerSize(2));
        assertEquals(6, RingDescriptor.HEAD_OFFSET);
        assertEquals(64, RingDescriptor.TAIL_OFFSET);
        assertEquals(128, RingDescriptor.DESCRIPTORS_OFFSET);
        assertEquals(8, PacketDescriptorDescriptor.DATA_OFFSET_OFFSET);
        assertEquals(32, RingTableEntryDescriptor.COUNTERS_OFFSET_OFFSET);
        assertEquals(64, RingCountersDescriptor.CONSUMER_LINE_OFFSET);
    }

    @Test
    void computedLayoutKeepsAreasAlignedDisjointAndInsideThePowerOfTwoRegion() {
        RegionLayout layout = RegionLayout.compute(List.of(
                new RingSpec(0, 0, 10, 2048), new RingSpec(1, 0, 4, 128), new RingSpec(1, 1, 0, 64)));
        assertEquals(1, Long.bitCount(layout.regionSize()));
        assertTrue(layout.usedSize() <= layout.regionSize());
        long previousEnd = layout.headerSize();
        for (RingLayout r : layout.rings()) {
            assertEquals(0, r.ringOffset() % 64);
            assertTrue(r.ringOffset() >= previousEnd);
            previousEnd = r.ringEnd();
        }
        for (RingLayout r : layout.rings()) {
            assertEquals(0, r.bufferAreaOffset() % 64);
            assertTrue(r.bufferAreaOffset() >= previousEnd);
            assertEquals(r.ringSize(), r.bufferCount());
            previousEnd = r.bufferAreaEnd();
        }
        assertEquals(layout.usedSize(), previousEnd);
    }

    @Test
    void initializedLinkRegionValidatesToTheSameLayoutAndIdentity() throws Exception {
        RegionLayout layout = RegionLayout.link(true);
        RegionIdentity identity = RegionIdentity.link(42, 7, "vm1-eth0", "vm2-eth0");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment region = arena.allocate(layout.regionSize(), 4096);
            RegionInitializer.initialize(region, layout, identity);
            ValidatedRegion read = RegionValidator.validate(region);
            assertEquals(identity, read.identity());
            assertEquals(layout.rings(), read.layout().rings());
            assertEquals(layout.regionSize(), read.layout().regionSize());
            assertEquals(layout.headerSize(), read.layout().headerSize());
            RingLayout r1 = layout.ring(1);
            assertEquals(RingDescriptor.COOKIE, region.get(Le.U32, r1.ringOffset()));
            assertEquals(RingDescriptor.FLAG_MASK_INT, region.get(Le.U16, r1.ringOffset() + RingDescriptor.FLAGS_OFFSET));
            long lastDescriptor = r1.ringOffset() + RingDescriptor.descriptorOffset(r1.ringSize() - 1);
            assertEquals((int) r1.bufferOffset(r1.ringSize() - 1),
                    region.get(Le.U32, lastDescriptor + PacketDescriptorDescriptor.DATA_OFFSET_OFFSET));
            assertEquals(1, identity.endOf("vm2-eth0"));
            assertEquals(-1, identity.endOf("other"));
        }
    }

    @Test
    void reidentifiedLinkRegionValidatesWithTheNewIdentityOnly() throws Exception {
        RegionLayout layout = RegionLayout.link(false);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment region = arena.allocate(layout.regionSize(), 4096);
            RegionInitializer.initialize(region, layout, RegionIdentity.link(1, 1, "a-long-spare-name", "b"));
            RegionIdentity claimed = RegionIdentity.link(99, 3, "x", "y");
            RegionInitializer.reidentify(region, claimed);
            ValidatedRegion read = RegionValidator.validate(region);
            assertEquals(claimed, read.identity(), "names shorter than before leave no old bytes behind");
            assertEquals(layout.rings(), read.layout().rings());

            IllegalArgumentException wrongKind = assertThrows(IllegalArgumentException.class,
                    () -> RegionInitializer.reidentify(region, RegionIdentity.port(1, "p", "g")));
            assertTrue(wrongKind.getMessage().contains("kind=PORT"), wrongKind.getMessage());
            assertEquals(claimed, RegionValidator.validate(region).identity(), "a refused call changes nothing");

            MemorySegment blank = arena.allocate(layout.regionSize(), 4096);
            assertThrows(IllegalArgumentException.class, () -> RegionInitializer.reidentify(blank, claimed));
        }
    }

    @Test
    void initializedPortRegionValidates() throws Exception {
        RegionLayout layout = RegionLayout.port(2);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment region = arena.allocate(layout.regionSize(), 4096);
            RegionInitializer.initialize(region, layout, RegionIdentity.port(3, "ring0", "guest-a"));
            ValidatedRegion read = RegionValidator.validate(region);
            assertEquals(RegionKind.PORT, read.identity().kind());
            assertEquals(4, read.layout().ringCount());
            assertEquals(1, read.layout().find(1, 1).direction());
        }
    }

    @Test
    void portControlRequestRoundTripsAndAckRepeatsTheWord() {
        RegionLayout layout = RegionLayout.port(1);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment region = arena.allocate(layout.regionSize(), 4096);
            RegionInitializer.initialize(region, layout, RegionIdentity.port(1, "p", "g"));
            assertEquals(PortControl.OP_NONE, PortControl.opcode(PortControl.acquireRequestWord(region)));
            long w1 = PortControl.publishRequest(region, PortControl.OP_ATTACH, 9, 4);
            PortControl.Request r = PortControl.readRequest(region);
            assertEquals(new PortControl.Request(w1, PortControl.OP_ATTACH, 2, 9, 4), r);
            long w2 = PortControl.publishRequest(region, PortControl.OP_DETACH, 0, 0);
            assertEquals(4, PortControl.sequence(w2));
            PortControl.acknowledge(region, w2, PortControl.STATUS_DONE);
            assertEquals(w2, PortControl.acquireAckWord(region));
            assertEquals(PortControl.STATUS_DONE, PortControl.ackStatus(region));
            LinkControl.releaseMapped(region, 1, 5);
            assertEquals(5, LinkControl.acquireMapped(region, 1));
            assertEquals(0, LinkControl.acquireMapped(region, 0));
        }
    }
}
