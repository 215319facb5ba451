package org.ovshighway.proxy.stats;

import java.util.List;

/**
 * What the rest of the agent supplies to the statistics rewriter of one bridge: the traffic that
 * bypassed OVS and that OVS would otherwise have counted. For a bypassed direction X→Y that is
 * X's receive counters, Y's transmit counters and the counters of every flow that would have
 * forwarded those packets (in every table on the way, e.g. a goto_table rule and the rule it leads to).
 *
 * <p>Values are totals since the bridge connection's counters started, never deltas: the rewriter
 * adds them to whatever OVS reports in each reply, so they must be monotonic for the controller
 * to see monotonic counters (a link's final counters stay folded in after it ends).
 *
 * <p>Called from a relay's event loop for every statistics reply: must not block, and should
 * answer from a snapshot the agent publishes (for example a volatile immutable map).
 */
public interface ExtraCounters {

    /**
     * The extra counters of one OpenFlow port, by its 32-bit number (OpenFlow 1.0 numbers are
     * widened the way OpenFlow 1.1+ numbers them: 0xfffe, LOCAL, becomes 0xfffffffe).
     * {@link PortExtra#NONE} when the port has none.
     */
    PortExtra port(long portNo);

    /** The extra counters of flows, one element per flow (elements with the same identity are summed). */
    List<FlowExtra> flows();

    /** Nothing to add: replies pass unchanged. */
    ExtraCounters NONE = new ExtraCounters() {
        @Override
        public PortExtra port(long portNo) {
            return PortExtra.NONE;
        }

        @Override
        public List<FlowExtra> flows() {
            return List.of();
        }
    };
}
