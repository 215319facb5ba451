package org.ovshighway.guest.abi;

/**
 * Where one ring and its buffers lie in a region (all offsets from the region start). Instances
 * are private, immutable copies: the data path uses them and never re-reads the ring table.
 *
 * @param index            position in the ring table
 * @param direction        see {@link RingTableEntryDescriptor#DIRECTION_OFFSET}
 * @param queue            queue index within the direction
 * @param log2RingSize     ring has {@code 1 << log2RingSize} slots
 * @param ringOffset       start of the memif ring
 * @param bufferAreaOffset start of the buffers
 * @param bufferSize       bytes per buffer
 * @param bufferCount      number of buffers
 * @param countersOffset   the ring's producer counter line (consumer line at +64)
 */
public record RingLayout(int index, int direction, int queue, int log2RingSize, long ringOffset,
                         long bufferAreaOffset, int bufferSize, int bufferCount, long countersOffset) {

    /** Number of slots. */
    public int ringSize() {
        return 1 << log2RingSize;
    }

    /** Bytes of the memif ring (header lines + descriptors). */
    public long ringBytes() {
        return RingDescriptor.ringBytes(log2RingSize);
    }

    /** First byte after the ring. */
    public long ringEnd() {
        return ringOffset + ringBytes();
    }

    /** First byte after the buffers. */
    public long bufferAreaEnd() {
        return bufferAreaOffset + (long) bufferSize * bufferCount;
    }

    /** Offset of buffer {@code i}. */
    public long bufferOffset(int i) {
        return bufferAreaOffset + (long) i * bufferSize;
    }

    /** The producer counter line. */
    public long producerCountersOffset() {
        return countersOffset + RingCountersDescriptor.PRODUCER_LINE_OFFSET;
    }

    /** The consumer counter line. */
    public long consumerCountersOffset() {
        return countersOffset + RingCountersDescriptor.CONSUMER_LINE_OFFSET;
    }
}
