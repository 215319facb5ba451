package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.FieldMatch;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.Match;
import org.ovshighway.p2p.flow.PortNo;
import org.ovshighway.proxy.HoldDecider;
import org.ovshighway.proxy.stats.FlowExtra;
import org.ovshighway.remapper.BypassCounters;
import org.ovshighway.remapper.LinkOutcome;
import org.ovshighway.remapper.LinkState;
import org.ovshighway.remapper.LinkStatus;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFPort;

/** The counter reset of a relayed FLOW_MOD happens when the FLOW_MOD goes: at once, or after its hold. */
class CounterResetRelayTest {
    private static final FlowEntry X_TO_Y = FlowEntry.of(0, 100, Match.of(FieldMatch.inPort(PortNo.of(1))),
            List.of(new Action.Output(PortNo.of(2))));
    private final AtomicLong carried = new AtomicLong();
    private final LinkFlowCounters flows = new LinkFlowCounters(new BypassCounters() {
        @Override
        public PortCounters port(String port) {
            return PortCounters.ZERO;
        }

        @Override
        public TrafficCounters direction(String from, String to) {
            return from.equals("x") ? new TrafficCounters(carried.get(), carried.get() * 64) : TrafficCounters.ZERO;
        }
    }, (from, to) -> from.equals("x") ? new FlowAttribution.Sole(List.of(X_TO_Y)) : new FlowAttribution.Shared());

    /** ovs-ofctl add-flow's OF1.0 ADD re-installing X_TO_Y (an OF1.0 ADD resets the flow's counters). */
    private static ByteBuf reinstall() {
        OFFactory f = OFFactories.getFactory(OFVersion.OF_10);
        ByteBuf buf = Unpooled.buffer();
        f.buildFlowAdd().setMatch(f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(1)).build()).setPriority(100)
                .setActions(List.of(f.actions().output(OFPort.of(2), 0))).build().writeTo(buf);
        return buf;
    }

    private long onFlow() {
        return flows.flows().stream().filter(e -> e.priority() == 100).mapToLong(FlowExtra::packets).sum();
    }

    @Test
    void notHeldTheResetIsAtOnceHeldItWaitsForTheHold() {
        flows.linkChanged(new LinkStatus(1, 1, "x", "y", false, LinkState.ATTACHING, LinkOutcome.OPEN));
        flows.linkChanged(new LinkStatus(1, 1, "x", "y", false, LinkState.USABLE, LinkOutcome.OPEN));
        carried.set(100);
        assertNull(new CounterResetRelay(HoldDecider.NEVER, flows).holdBefore("c", reinstall()));
        assertEquals(0, onFlow(), "reset when relayed");
        carried.set(150);

        CompletableFuture<Void> revert = new CompletableFuture<>();
        CompletionStage<?> held = new CounterResetRelay((connection, frame) -> revert, flows)
                .holdBefore("c", reinstall());
        assertEquals(50, onFlow(), "held: not yet");
        carried.set(170);
        revert.complete(null);
        held.toCompletableFuture().join();
        assertEquals(0, onFlow(), "once the hold is over");
        ByteBuf barrier = Unpooled.wrappedBuffer(new byte[] {1, 18, 0, 8, 0, 0, 0, 1});
        assertSame(revert, new CounterResetRelay((connection, frame) -> revert, flows).holdBefore("c", barrier),
                "a frame that resets nothing gets the bypass's answer as it is");
    }
}
