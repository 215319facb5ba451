package org.ovshighway.guest.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ovshighway.guest.abi.Le;
import org.ovshighway.guest.abi.PacketDescriptorDescriptor;
import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RegionInitializer;
import org.ovshighway.guest.abi.RegionLayout;
import org.ovshighway.guest.abi.RingCountersDescriptor;
import org.ovshighway.guest.abi.RingDescriptor;
import org.ovshighway.guest.abi.RingLayout;
import org.ovshighway.guest.abi.RingSpec;

class RingProducerConsumerTest {
    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close() {
        arena.close();
    }

    private RingLayout ringOf(MemorySegment[] out, int log2) {
        RegionLayout layout = RegionLayout.compute(List.of(new RingSpec(0, 0, log2, 128)));
        MemorySegment region = arena.allocate(layout.regionSize(), 4096);
        RegionInitializer.initialize(region, layout, RegionIdentity.link(1, 1, "a", "b"));
        out[0] = region;
        return layout.ring(0);
    }

    private static MemorySegment frame(Arena arena, long seq, int length) {
        MemorySegment f = arena.allocate(length);
        f.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, seq);
        return f;
    }

    @Test
    void indicesWrapAroundU16WithoutLossOrReorder() {
        MemorySegment[] r = new MemorySegment[1];
        RingLayout ring = ringOf(r, 3);
        RingProducer producer = new RingProducer(r[0], ring);
        RingConsumer consumer = new RingConsumer(r[0], ring);
        long[] offsets = new long[8];
        int[] lengths = new int[8];
        MemorySegment[] frames = new MemorySegment[5];
        long sent = 0;
        long received = 0;
        // 70_000 packets move head and tail past 65535 at least once
        while (received < 70_000) {
            for (int i = 0; i < frames.length; i++) {
                frames[i] = frame(arena, sent + i, (int) (64 + (sent + i) % 5));
            }
            sent += producer.send(frames, frames.length);
            int n = consumer.receive(offsets, lengths, 8);
            for (int i = 0; i < n; i++) {
                assertEquals(received, r[0].get(ValueLayout.JAVA_LONG_UNALIGNED, offsets[i]));
                assertEquals(64 + (received % 5), lengths[i], "length of packet " + received);
                received++;
            }
        }
        assertEquals(0, consumer.invalidDescriptors());
        assertEquals(received, consumer.packets());
        assertTrue(sent >= received);
        assertEquals((int) (sent & 0xffff), (short) Le.U16_HANDLE.get(r[0], ring.ringOffset() + RingDescriptor.HEAD_OFFSET) & 0xffff);
    }

    @Test
    void fullRingRefusesAndCountsThenAcceptsAfterRelease() {
        MemorySegment[] r = new MemorySegment[1];
        RingLayout ring = ringOf(r, 2);
        RingProducer producer = new RingProducer(r[0], ring);
        RingConsumer consumer = new RingConsumer(r[0], ring);
        byte[][] frames = {new byte[64], new byte[64], new byte[64], new byte[64], new byte[64], new byte[64]};
        assertEquals(4, producer.send(frames, 6));
        assertEquals(2, producer.ringFullDrops());
        assertEquals(0, producer.send(frames, 1));
        assertEquals(3, producer.ringFullDrops());
        long[] offsets = new long[4];
        int[] lengths = new int[4];
        assertEquals(3, consumer.receive(offsets, lengths, 3));
        // not yet released: the consumer still owns the buffers of its last burst
        assertEquals(0, producer.send(frames, 1));
        consumer.release();
        assertEquals(3, producer.send(frames, 3));
        assertEquals(4, r[0].get(Le.U64, ring.producerCountersOffset() + RingCountersDescriptor.RING_FULL_DROPS_IN_LINE)
               );
        assertEquals(7, r[0].get(Le.U64, ring.producerCountersOffset() + RingCountersDescriptor.PACKETS_IN_LINE));
    }

    @Test
    void burstIsLimitedByMaxAndAvailability() {
        MemorySegment[] r = new MemorySegment[1];
        RingLayout ring = ringOf(r, 6);
        RingProducer producer = new RingProducer(r[0], ring);
        RingConsumer consumer = new RingConsumer(r[0], ring);
        byte[][] frames = new byte[40][];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = new byte[60];
        }
        assertEquals(40, producer.send(frames, 40));
        long[] offsets = new long[32];
        int[] lengths = new int[32];
        assertEquals(32, consumer.receive(offsets, lengths, 32));
        assertEquals(5, consumer.receive(offsets, lengths, 5));
        assertEquals(3, consumer.receive(offsets, lengths, 32));
        assertEquals(0, consumer.receive(offsets, lengths, 32));
        assertEquals(40 * 60, consumer.bytes());
        assertEquals(40 * 60, r[0].get(Le.U64, ring.consumerCountersOffset() + RingCountersDescriptor.BYTES_IN_LINE));
    }

    @Test
    void reserveCommitWritesInPlace() {
        MemorySegment[] r = new MemorySegment[1];
        RingLayout ring = ringOf(r, 4);
        RingProducer producer = new RingProducer(r[0], ring);
        RingConsumer consumer = new RingConsumer(r[0], ring);
        assertEquals(3, producer.reserve(3));
        for (int k = 0; k < 3; k++) {
            r[0].set(ValueLayout.JAVA_INT_UNALIGNED, producer.bufferOffset(k), 100 + k);
        }
        producer.commit(new int[] {10, 20, 30}, 2);
        long[] offsets = new long[16];
        int[] lengths = new int[16];
        assertEquals(2, consumer.receive(offsets, lengths, 16));
        assertEquals(101, r[0].get(ValueLayout.JAVA_INT_UNALIGNED, offsets[1]));
        assertEquals(20, lengths[1]);
        assertThrows(IllegalArgumentException.class, () -> producer.commit(new int[] {1}, 1));
        producer.reserve(1);
        assertThrows(IllegalArgumentException.class, () -> producer.commit(new int[] {129}, 1));
    }

    @Test
    void invalidDescriptorsAreDroppedAndCounted() {
        MemorySegment[] r = new MemorySegment[1];
        RingLayout ring = ringOf(r, 3);
        MemorySegment region = r[0];
        long d = ring.ringOffset() + RingDescriptor.DESCRIPTORS_OFFSET;
        long buf = ring.bufferAreaOffset();
        long end = ring.bufferAreaEnd();
        // slot 0 valid, then: region 1, NEXT flag, offset before area, end past area, offset+length overflow u32
        writeDesc(region, d, 0, 0, 64, buf);
        writeDesc(region, d + 16, 0, 1, 64, buf);
        writeDesc(region, d + 32, PacketDescriptorDescriptor.FLAG_NEXT, 0, 64, buf);
        writeDesc(region, d + 48, 0, 0, 64, buf - 64);
        writeDesc(region, d + 64, 0, 0, 65, end - 64);
        writeDesc(region, d + 80, 0, 0, -1, buf);
        writeDesc(region, d + 96, 0, 0, 64, end - 64);
        Le.U16_HANDLE.setRelease(region, ring.ringOffset() + RingDescriptor.HEAD_OFFSET, (short) 7);
        RingConsumer consumer = new RingConsumer(region, ring);
        long[] offsets = new long[8];
        int[] lengths = new int[8];
        assertEquals(2, consumer.receive(offsets, lengths, 8));
        assertEquals(buf, offsets[0]);
        assertEquals(end - 64, offsets[1]);
        assertEquals(5, consumer.invalidDescriptors());
        assertEquals(5, region.get(Le.U64, ring.consumerCountersOffset() + RingCountersDescriptor.INVALID_DESCRIPTORS_IN_LINE));
    }

    @Test
    void headJumpingPastTheRingIsCountedAndYieldsNothing() {
        MemorySegment[] r = new MemorySegment[1];
        RingLayout ring = ringOf(r, 3);
        Le.U16_HANDLE.setRelease(r[0], ring.ringOffset() + RingDescriptor.HEAD_OFFSET, (short) 9);
        RingConsumer consumer = new RingConsumer(r[0], ring);
        assertEquals(0, consumer.receive(new long[8], new int[8], 8));
        assertEquals(1, consumer.invalidIndices());
        assertEquals(0, (short) Le.U16_HANDLE.get(r[0], ring.ringOffset() + RingDescriptor.TAIL_OFFSET));
    }

    @Test
    void tailAheadOfHeadLooksFullAndIsCounted() {
        MemorySegment[] r = new MemorySegment[1];
        RingLayout ring = ringOf(r, 3);
        RingProducer producer = new RingProducer(r[0], ring);
        Le.U16_HANDLE.setRelease(r[0], ring.ringOffset() + RingDescriptor.TAIL_OFFSET, (short) 3);
        assertEquals(0, producer.send(new byte[][] {new byte[10]}, 1));
        assertEquals(1, producer.invalidIndices());
        assertEquals(1, producer.ringFullDrops());
        Le.U16_HANDLE.setRelease(r[0], ring.ringOffset() + RingDescriptor.TAIL_OFFSET, (short) 0);
        assertEquals(1, producer.send(new byte[][] {new byte[10]}, 1));
    }

    @Test
    void recreatedEndsCarryOnFromTheSharedIndices() {
        MemorySegment[] r = new MemorySegment[1];
        RingLayout ring = ringOf(r, 2);
        RingProducer first = new RingProducer(r[0], ring);
        assertEquals(3, first.send(new byte[][] {{1}, {2}, {3}}, 3));
        RingProducer second = new RingProducer(r[0], ring);
        // one slot left: a re-created producer must not overwrite the three unconsumed packets
        assertEquals(1, second.send(new byte[][] {{4}, {5}}, 2));
        RingConsumer consumer = new RingConsumer(r[0], ring);
        long[] offsets = new long[4];
        int[] lengths = new int[4];
        assertEquals(4, consumer.receive(offsets, lengths, 4));
        for (int i = 0; i < 4; i++) {
            assertEquals(i + 1, r[0].get(ValueLayout.JAVA_BYTE, offsets[i]));
        }
    }

    private static void writeDesc(MemorySegment region, long d, int flags, int regionIndex, int length, long offset) {
        region.set(Le.U16, d + PacketDescriptorDescriptor.FLAGS_OFFSET, (short) flags);
        region.set(Le.U16, d + PacketDescriptorDescriptor.REGION_OFFSET, (short) regionIndex);
        region.set(Le.U32, d + PacketDescriptorDescriptor.LENGTH_OFFSET, length);
        region.set(Le.U32, d + PacketDescriptorDescriptor.DATA_OFFSET_OFFSET, (int) offset);
    }
}
