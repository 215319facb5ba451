package org.ovshighway.agent;

import io.netty.buffer.ByteBuf;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.ovshighway.proxy.HoldDecider;
import org.ovshighway.proxy.stats.CounterReset;

/**
 * The proxy's hold hook with the flow counters' view of it: a FLOW_MOD that makes the switch
 * reset flow counters ({@link CounterReset}) resets what the proxy adds to those flows
 * ({@link LinkFlowCounters#countersReset}) when it is let through: at once when the bypass does not
 * hold it, else once the held-for revert is done (what the reverted link carried until then is
 * folded into the flows first, and forgotten with them, as OVS counted it before the reset).
 */
final class CounterResetRelay implements HoldDecider {
    private final HoldDecider bypass;
    private final LinkFlowCounters flows;

    CounterResetRelay(HoldDecider bypass, LinkFlowCounters flows) {
        this.bypass = Objects.requireNonNull(bypass, "bypass");
        this.flows = Objects.requireNonNull(flows, "flows");
    }

    @Override
    public CompletionStage<?> holdBefore(String connectionName, ByteBuf frame) {
        return holdBefore(connectionName, frame, false);
    }

    @Override
    public CompletionStage<?> holdBefore(String connectionName, ByteBuf frame, boolean earlierChangesApplied) {
        Optional<CounterReset> reset = CounterReset.of(frame);
        CompletionStage<?> hold = bypass.holdBefore(connectionName, frame, earlierChangesApplied);
        if (reset.isEmpty()) {
            return hold;
        }
        if (hold == null) {
            flows.countersReset(reset.get());
            return null;
        }
        return hold.whenComplete((done, failure) -> flows.countersReset(reset.get()));
    }
}
