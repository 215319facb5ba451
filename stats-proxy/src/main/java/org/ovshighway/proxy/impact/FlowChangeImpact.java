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
     * the rule may send something to Y, except when the change only forwards: {@code forwardsOnly}
     * says every packet its rules handle leaves unmodified on exactly one port, and nothing else
     * happens to it (an added or modified rule whose match pins in_port, whose only action is one
     * output and which has no idle_timeout). Such a change on X→Y itself (source X, output Y)
     * keeps X→Y point-to-point: the packets it reaches come from X alone and go to Y alone, as
     * before, so a controller re-installing a link's rule (or one above it with the same output)
     * does not revert the link.
     */
    record Ports(Set<Long> sources, boolean anySource, Set<Long> outputs, boolean anyOutput, boolean forwardsOnly)
            implements FlowChangeImpact {
        public Ports {
            sources = Set.copyOf(sources);
            outputs = Set.copyOf(outputs);
            if (forwardsOnly && (anySource || anyOutput || sources.size() != 1 || outputs.size() != 1)) {
                throw new IllegalArgumentException("a change that only forwards has one source and one output: sources="
                        + sources + " anySource=" + anySource + " outputs=" + outputs + " anyOutput=" + anyOutput);
            }
        }

        /** A change that may do more than forward. */
        public Ports(Set<Long> sources, boolean anySource, Set<Long> outputs, boolean anyOutput) {
            this(sources, anySource, outputs, anyOutput, false);
        }

        @Override
        public boolean mayAffect(long from, long to) {
            if (forwardsOnly && sources.contains(from) && outputs.contains(to)) {
                return false;
            }
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
