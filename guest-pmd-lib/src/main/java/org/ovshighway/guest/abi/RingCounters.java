package org.ovshighway.guest.abi;

import java.lang.foreign.MemorySegment;

/**
 * A snapshot of one ring's counters ({@link RingCountersDescriptor}) as its two writers last
 * published them. Used by the host (folding a link's final counters into its ports) and by
 * {@code GuestPort.stats()}.
 *
 * @param producedPackets          producer: packets published
 * @param producedBytes            producer: bytes published
 * @param ringFullDrops            producer: packets refused because the ring was full
 * @param producerInvalidIndices   producer: nonsensical tails seen
 * @param consumedPackets          consumer: valid packets received
 * @param consumedBytes            consumer: bytes received
 * @param invalidDescriptors       consumer: descriptors dropped
 * @param consumerInvalidIndices   consumer: nonsensical heads seen
 */
public record RingCounters(long producedPackets, long producedBytes, long ringFullDrops, long producerInvalidIndices,
                           long consumedPackets, long consumedBytes, long invalidDescriptors,
                           long consumerInvalidIndices) {

    /** Reads ring {@code ring}'s counter lines (acquire loads, pairing with the writers' release stores). */
    public static RingCounters read(MemorySegment region, RingLayout ring) {
        long p = ring.producerCountersOffset();
        long c = ring.consumerCountersOffset();
        return new RingCounters(
                load(region, p + RingCountersDescriptor.PACKETS_IN_LINE),
                load(region, p + RingCountersDescriptor.BYTES_IN_LINE),
                load(region, p + RingCountersDescriptor.RING_FULL_DROPS_IN_LINE),
                load(region, p + RingCountersDescriptor.INVALID_INDICES_IN_LINE),
                load(region, c + RingCountersDescriptor.PACKETS_IN_LINE),
                load(region, c + RingCountersDescriptor.BYTES_IN_LINE),
                load(region, c + RingCountersDescriptor.INVALID_DESCRIPTORS_IN_LINE),
                load(region, c + RingCountersDescriptor.INVALID_INDICES_IN_LINE));
    }

    private static long load(MemorySegment region, long offset) {
        return (long) Le.U64_HANDLE.getAcquire(region, offset);
    }
}
