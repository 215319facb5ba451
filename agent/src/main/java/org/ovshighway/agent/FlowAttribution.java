package org.ovshighway.agent;

import java.util.List;
import java.util.Objects;
import org.ovshighway.p2p.flow.FlowEntry;

/**
 * Which flows one direction X → Y of a link stands in for, as the flow tables say now: the
 * flows the proxy adds that direction's link traffic to.
 */
sealed interface FlowAttribution {
    /** The tables cannot say now: not read yet, being read again, or X → Y no longer point-to-point. */
    record Unknown() implements FlowAttribution {
    }

    /** X → Y is point-to-point, but several rules share X's traffic: no flow can be given it. */
    record Shared() implements FlowAttribution {
    }

    /** Every packet of X hits {@code flows}, one per table on its way. */
    record Sole(List<FlowEntry> flows) implements FlowAttribution {
        public Sole {
            flows = List.copyOf(Objects.requireNonNull(flows, "flows"));
        }
    }
}
