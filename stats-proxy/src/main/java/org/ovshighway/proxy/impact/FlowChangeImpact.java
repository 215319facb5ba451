package org.ovshighway.proxy.impact;

import java.util.Objects;
import java.util.Set;

/**
 * What a message a controller sends toward the switch may change in the forwarding of ring-port
 * traffic, as far as a point-to-point direction X→Y is concerned (DESIGN.md, "Point-to-point
 * semantics"). It errs on the side of "may change": a direction it says is untouched is
 * untouched; one it says may be touched may in fact not be (a missed bypass costs only speed).
 */
public sealed interface FlowChangeImpact {

    /** Whether direction {@code from → to} (OpenFlow port numbers) may stop being point-to-point. */
    boolean mayAffect(long from, long to);

    /** The message changes no forwarding (barrier, echo, statistics request, packet-out, ...). */
    record None() implements FlowChangeImpact {
        @Override
        public boolean mayAffect(long from, long to) {
            return false;
        }
    }

    /**
     * A flow change whose reach is known: it may handle packets that arrive on {@code sources}
     * (every port when {@code anySource}) and it may send packets to {@code outputs} (every port
     * when {@code anyOutput}). Direction X→Y is affected when X's traffic may meet the rule or
     * the rule may send something to Y.
     */
    record Ports(Set<Long> sources, boolean anySource, Set<Long> outputs, boolean anyOutput)
            implements FlowChangeImpact {
        public Ports {
            sources = Set.copyOf(sources);
            outputs = Set.copyOf(outputs);
        }

        @Override
        public boolean mayAffect(long from, long to) {
            return anySource || sources.contains(from) || anyOutput || outputs.contains(to);
        }
    }

    /** A change whose reach is not worked out (groups, port config, bundles, extensions): every direction. */
    record Everything(String why) implements FlowChangeImpact {
        public Everything {
            Objects.requireNonNull(why, "why");
        }

        @Override
        public boolean mayAffect(long from, long to) {
            return true;
        }
    }
}
