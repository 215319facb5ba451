package org.ovshighway.guest.jcstress;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;
import org.openjdk.jcstress.annotations.Description;
import org.ovshighway.guest.abi.RegionLayout;
import org.ovshighway.guest.ring.RingConsumer;
import org.ovshighway.guest.ring.RingProducer;

/**
 * The producer writes a frame (payload + descriptor) and releases head; the consumer acquires
 * head and reads. Seeing the packet but a stale descriptor (length 128, the pre-set one) or a
 * stale payload (0) is forbidden.
 */
@JCStressTest
@Description("release of head publishes descriptor and payload")
@Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "head not yet visible: nothing received")
@Outcome(id = "64, 1234605616436508552", expect = Expect.ACCEPTABLE, desc = "packet received with its descriptor and payload")
@Outcome(expect = Expect.FORBIDDEN, desc = "head visible but descriptor (length 128) or payload stale")
@State
public class HeadPublicationTest {
    static final long PAYLOAD = 0x1122334455667788L;
    private static final RegionLayout LAYOUT = TestRings.layout(2);

    private final MemorySegment region = TestRings.region(LAYOUT);
    private final RingProducer producer = new RingProducer(region, LAYOUT.ring(0));
    private final RingConsumer consumer = new RingConsumer(region, LAYOUT.ring(0));
    private final MemorySegment[] frames = {frame()};
    private final long[] offsets = new long[1];
    private final int[] lengths = new int[1];

    private static MemorySegment frame() {
        MemorySegment f = Arena.ofAuto().allocate(TestRings.FRAME_LENGTH);
        f.set(ValueLayout.JAVA_LONG_UNALIGNED, TestRings.FRAME_LENGTH - 8, PAYLOAD);
        return f;
    }

    @Actor
    public void producer() {
        producer.send(frames, 1);
    }

    @Actor
    public void consumer(JJ_Result r) {
        if (consumer.receive(offsets, lengths, 1) == 1) {
            r.r1 = lengths[0];
            r.r2 = region.get(ValueLayout.JAVA_LONG_UNALIGNED, offsets[0] + TestRings.FRAME_LENGTH - 8);
        }
    }
}
