package org.ovshighway.guest.jcstress;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;
import org.ovshighway.guest.abi.Le;
import org.ovshighway.guest.abi.LinkControl;
import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RegionInitializer;
import org.ovshighway.guest.abi.RegionLayout;
import org.ovshighway.guest.abi.RingSpec;

/**
 * The receiver of direction 0 releases {@code revertReady[0] = g} once it stopped reading its old RX
 * ring; the sender that acquires it sees everything the receiver wrote before
 * (pairs LinkControl.releaseRevertReady / acquireRevertReady).
 */
@JCStressTest
@Description("revertReady publishes what the receiver did before it")
@Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "word not yet seen")
@Outcome(id = "0, 42", expect = Expect.ACCEPTABLE, desc = "word not yet seen, payload already visible")
@Outcome(id = "3, 42", expect = Expect.ACCEPTABLE, desc = "word and everything before it")
@Outcome(id = "3, 0", expect = Expect.FORBIDDEN, desc = "word seen without what was written before it")
@State
public class RevertReadyPublicationTest {
    /** A LINK region of one tiny ring: allocated once per sample, so one page. */
    private static final RegionLayout LAYOUT = RegionLayout.compute(List.of(new RingSpec(0, 0, 0, 64)));
    /** A plain word of the writer's, before the release (here: the consumer counter line of ring 0). */
    private static final long PAYLOAD = LAYOUT.ring(0).consumerCountersOffset();
    private final MemorySegment region = Arena.ofAuto().allocate(LAYOUT.regionSize(), 4096);

    public RevertReadyPublicationTest() {
        RegionInitializer.initialize(region, LAYOUT, RegionIdentity.link(9, 3, "x", "y"));
    }

    @Actor
    public void writer() {
        region.set(Le.U64, PAYLOAD, 42L);
        LinkControl.releaseRevertReady(region, 0, 3);
    }

    @Actor
    public void reader(JJ_Result r) {
        r.r1 = LinkControl.acquireRevertReady(region, 0);
        r.r2 = region.get(Le.U64, PAYLOAD);
    }
}
