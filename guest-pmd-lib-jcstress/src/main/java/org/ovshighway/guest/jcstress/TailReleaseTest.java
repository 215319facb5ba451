package org.ovshighway.guest.jcstress;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JI_Result;
import org.ovshighway.guest.abi.RegionLayout;
import org.ovshighway.guest.ring.RingConsumer;
import org.ovshighway.guest.ring.RingProducer;

/**
 * A one-slot ring holds frame 1, already received by the consumer. The consumer reads its
 * payload and releases tail; concurrently the producer tries to send frame 2 into the same
 * buffer. The consumer must never read frame 2: the producer may reuse the buffer only after
 * acquiring the released tail.
 */
@JCStressTest
@Description("release of tail hands the buffer back only after the consumer's reads")
@Outcome(id = "1, 0", expect = Expect.ACCEPTABLE, desc = "producer saw the ring still full")
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "producer reused the buffer after the consumer's read")
@Outcome(expect = Expect.FORBIDDEN, desc = "buffer overwritten before the consumer released it (first value 2)")
@State
public class TailReleaseTest {
    private static final RegionLayout LAYOUT = TestRings.layout(0);

    private final MemorySegment region = TestRings.region(LAYOUT);
    private final RingProducer producer = new RingProducer(region, LAYOUT.ring(0));
    private final RingConsumer consumer = new RingConsumer(region, LAYOUT.ring(0));
    private final MemorySegment[] second = {frame(2)};
    private final long offset;

    public TailReleaseTest() {
        producer.send(new MemorySegment[] {frame(1)}, 1);
        long[] offsets = new long[1];
        int[] lengths = new int[1];
        if (consumer.receive(offsets, lengths, 1) != 1) {
            throw new IllegalStateException("setup: first frame not received");
        }
        offset = offsets[0];
    }

    private static MemorySegment frame(long value) {
        MemorySegment f = Arena.ofAuto().allocate(TestRings.FRAME_LENGTH);
        f.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, value);
        return f;
    }

    @Actor
    public void consumer(JI_Result r) {
        r.r1 = region.get(ValueLayout.JAVA_LONG_UNALIGNED, offset);
        consumer.release();
    }

    @Actor
    public void producer(JI_Result r) {
        r.r2 = producer.send(second, 1);
    }
}
