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
import org.openjdk.jcstress.infra.results.IJJ_Result;
import org.ovshighway.guest.abi.PortControl;
import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RegionInitializer;
import org.ovshighway.guest.abi.RegionLayout;
import org.ovshighway.guest.abi.RingSpec;

/**
 * The agent publishes ATTACH(link 5, generation 6) while the guest reads the request: the guest
 * sees either no request, nothing stable yet (-1), or the whole request, never a torn one.
 */
@JCStressTest
@Description("control request seqlock: no torn ATTACH")
@Outcome(id = "0, 0, 0", expect = Expect.ACCEPTABLE, desc = "no request yet")
@Outcome(id = "-1, -1, -1", expect = Expect.ACCEPTABLE, desc = "request being written: retry later")
@Outcome(id = "1, 5, 6", expect = Expect.ACCEPTABLE, desc = "whole request")
@Outcome(expect = Expect.FORBIDDEN, desc = "torn request")
@State
public class ControlRequestTest {
    /** One tiny ring: the state is allocated once per jcstress sample, so keep it at one page. */
    private static final RegionLayout LAYOUT = RegionLayout.compute(List.of(new RingSpec(0, 0, 0, 64)));
    private final MemorySegment region = Arena.ofAuto().allocate(LAYOUT.regionSize(), 4096);

    public ControlRequestTest() {
        RegionInitializer.initialize(region, LAYOUT, RegionIdentity.port(1, "p", "g"));
    }

    @Actor
    public void agent() {
        PortControl.publishRequest(region, PortControl.OP_ATTACH, 5, 6);
    }

    @Actor
    public void guest(IJJ_Result r) {
        PortControl.Request request = PortControl.readRequest(region);
        if (request == null) {
            r.r1 = -1;
            r.r2 = -1;
            r.r3 = -1;
        } else {
            r.r1 = request.opcode();
            r.r2 = request.linkId();
            r.r3 = request.generation();
        }
    }
}
