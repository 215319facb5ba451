package org.ovshighway.guest.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.ovshighway.guest.abi.Le;
import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RegionInitializer;
import org.ovshighway.guest.abi.RegionLayout;
import org.ovshighway.guest.abi.RingDescriptor;
import org.ovshighway.guest.abi.RingLayout;
import org.ovshighway.guest.abi.RingSpec;
import org.ovshighway.guest.abi.ValidatedRegion;
import org.ovshighway.guest.abi.RegionValidator;

/**
 * A hostile peer (a thread writing random values into the header, both rings' indices,
 * descriptors and buffers) against one end's consumer and producer. The end must neither throw
 * nor hang nor touch memory outside the region: the region is a slice of a larger segment whose
 * canary bytes around it must stay untouched.
 */
class HostileWriterTest {
    private static final int ITERATIONS = 200_000;
    private static final byte CANARY = (byte) 0xA5;
    private static final long GUARD = 4096;

    @Test
    void hostilePeerCausesOnlyCountedDropsAndNeverEscapesTheRegion() throws Exception {
        RegionLayout layout = RegionLayout.compute(List.of(new RingSpec(0, 0, 6, 256), new RingSpec(1, 0, 6, 256)));
        try (Arena arena = Arena.ofShared()) {
            MemorySegment whole = arena.allocate(layout.regionSize() + 2 * GUARD, 4096);
            whole.fill(CANARY);
            MemorySegment region = whole.asSlice(GUARD, layout.regionSize());
            RegionInitializer.initialize(region, layout, RegionIdentity.link(1, 1, "victim", "attacker"));
            ValidatedRegion validated = RegionValidator.validate(region);
            RingLayout rxRing = validated.layout().find(1, 0);
            RingLayout txRing = validated.layout().find(0, 0);
            RingConsumer consumer = new RingConsumer(region, rxRing);
            RingProducer producer = new RingProducer(region, txRing);

            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong writes = new AtomicLong();
            AtomicReference<Throwable> attackerFailure = new AtomicReference<>();
            Thread attacker = new Thread(() -> {
                try {
                    attack(region, layout, stop, writes);
                } catch (Throwable t) {
                    attackerFailure.set(t);
                }
            }, "attacker");
            attacker.start();
            while (writes.get() < 10_000 && attacker.isAlive()) {
                Thread.onSpinWait();
            }

            long[] offsets = new long[32];
            int[] lengths = new int[32];
            MemorySegment[] frames = {arena.allocate(64), arena.allocate(200)};
            long delivered = 0;
            long checksum = 0;
            for (int i = 0; i < ITERATIONS; i++) {
                int n = consumer.receive(offsets, lengths, 32);
                for (int k = 0; k < n; k++) {
                    // everything handed out lies inside the receive ring's own buffers
                    assertTrue(offsets[k] >= rxRing.bufferAreaOffset()
                            && offsets[k] + lengths[k] <= rxRing.bufferAreaEnd(), "offset=" + offsets[k]);
                    if (lengths[k] > 0) {
                        checksum += region.get(ValueLayout.JAVA_BYTE, offsets[k] + lengths[k] - 1);
                    }
                }
                delivered += n;
                producer.send(frames, 2);
            }
            stop.set(true);
            attacker.join();
            assertNull(attackerFailure.get());

            assertTrue(consumer.invalidIndices() + consumer.invalidDescriptors() > 0,
                    "consumer counted nothing: delivered=" + delivered + " checksum=" + checksum);
            assertTrue(producer.invalidIndices() > 0, "producer saw no nonsensical tail");
            assertEquals(delivered, consumer.packets());
            for (long i = 0; i < GUARD; i++) {
                assertEquals(CANARY, whole.get(ValueLayout.JAVA_BYTE, i), "canary before region at " + i);
                assertEquals(CANARY, whole.get(ValueLayout.JAVA_BYTE, GUARD + layout.regionSize() + i),
                        "canary after region at " + i);
            }
        }
    }

    /** Writes random values at random places of the region, cycling through what it attacks. */
    private static void attack(MemorySegment region, RegionLayout layout, AtomicBoolean stop, AtomicLong writes) {
        SplittableRandom random = new SplittableRandom(42);
        long i = 0;
        while (!stop.get()) {
            RingLayout ring = layout.ring(random.nextInt(layout.ringCount()));
            switch ((int) (i % 5)) {
                case 0 -> Le.U16_HANDLE.setRelease(region, ring.ringOffset() + RingDescriptor.HEAD_OFFSET,
                        (short) random.nextInt());
                case 1 -> Le.U16_HANDLE.setRelease(region, ring.ringOffset() + RingDescriptor.TAIL_OFFSET,
                        (short) random.nextInt());
                case 2 -> {
                    long d = ring.ringOffset() + RingDescriptor.descriptorOffset(random.nextInt(ring.ringSize()));
                    region.set(ValueLayout.JAVA_LONG_UNALIGNED, d, random.nextLong() & randomMask(random));
                    region.set(ValueLayout.JAVA_LONG_UNALIGNED, d + 8, random.nextLong());
                }
                case 3 -> region.set(ValueLayout.JAVA_LONG_UNALIGNED,
                        random.nextLong(layout.headerSize() / 8) * 8, random.nextLong());
                default -> region.set(ValueLayout.JAVA_BYTE, random.nextLong(region.byteSize()), (byte) random.nextInt());
            }
            writes.incrementAndGet();
            i++;
        }
    }

    /** Sometimes keeps flags/region zero so that offset/length checks are exercised too. */
    private static long randomMask(SplittableRandom random) {
        return random.nextBoolean() ? 0xffffffff_00000000L : -1L;
    }
}
