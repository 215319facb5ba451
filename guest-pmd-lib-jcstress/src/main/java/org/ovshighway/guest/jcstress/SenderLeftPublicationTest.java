package org.ovshighway.guest.jcstress;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;
import org.ovshighway.guest.abi.LinkControl;
import org.ovshighway.guest.abi.RegionLayout;
import org.ovshighway.guest.ring.RingConsumer;
import org.ovshighway.guest.ring.RingProducer;

/**
 * A forced revert: the sender publishes its last frame on the link, then releases
 * {@code senderLeft = g}; the receiver acquires senderLeft and then asks whether the link is
 * empty. Seeing the sender gone and the link empty while its frame was published before is
 * forbidden: the receiver would leave and the frame would be lost (pairs
 * LinkControl.releaseSenderLeft / acquireSenderLeft, and head's release / RingConsumer.isEmpty's acquire).
 */
@JCStressTest
@Description("senderLeft publishes every frame the sender put on the link before it")
@Outcome(id = "0, 1", expect = Expect.ACCEPTABLE, desc = "sender not seen leaving, link empty")
@Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "sender not seen leaving, its frame already visible")
@Outcome(id = "1, 0", expect = Expect.ACCEPTABLE, desc = "sender left, its frame visible: the receiver drains it")
@Outcome(id = "1, 1", expect = Expect.FORBIDDEN, desc = "sender left but its last frame not visible: it would be lost")
@State
public class SenderLeftPublicationTest {
    private static final RegionLayout LAYOUT = TestRings.layout(2);
    private static final long GENERATION = 1;

    private final MemorySegment region = TestRings.region(LAYOUT);
    private final RingProducer producer = new RingProducer(region, LAYOUT.ring(0));
    private final RingConsumer consumer = new RingConsumer(region, LAYOUT.ring(0));
    private final MemorySegment[] frames = {Arena.ofAuto().allocate(TestRings.FRAME_LENGTH)};

    @Actor
    public void sender() {
        producer.send(frames, 1);
        LinkControl.releaseSenderLeft(region, 0, GENERATION);
    }

    @Actor
    public void receiver(JJ_Result r) {
        r.r1 = LinkControl.acquireSenderLeft(region, 0) == GENERATION ? 1 : 0;
        r.r2 = consumer.isEmpty() ? 1 : 0;
    }
}
