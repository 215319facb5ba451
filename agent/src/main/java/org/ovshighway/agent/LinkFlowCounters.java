package org.ovshighway.agent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.FlowKey;
import org.ovshighway.proxy.stats.FlowExtra;
import org.ovshighway.remapper.BypassCounters;
import org.ovshighway.remapper.BypassCounters.TrafficCounters;
import org.ovshighway.remapper.LinkState;
import org.ovshighway.remapper.LinkStatus;

/**
 * The flow half of the counters a controller reads through the proxy: traffic a link carried
 * for direction X → Y is added to the flows X's packets would have hit in OVS. When a link becomes
 * ACTIVE each of its directions is attributed to the detector's {@code soleFlows(X)} (one rule per
 * table that all of X's traffic hits); when it closes, what it carried is folded into a base per
 * flow, kept until the switch reports that flow removed (a new flow with the same match starts
 * from zero in OVS too). A direction whose traffic several rules share cannot be attributed (which
 * rule a packet would have hit depends on the packet): it is logged and counted in
 * {@link #unattributed}, and only the port counters include it.
 *
 * <p>Threads: link changes arrive on the supervisor thread, removals on the flow monitor's, and
 * {@link #flows} is called from the proxy's event loops; all take this object's monitor briefly.
 */
final class LinkFlowCounters {
    private static final System.Logger LOG = System.getLogger(LinkFlowCounters.class.getName());

    /** One direction of one live link, counted on {@code flows} from {@code baseline} on. */
    private record Attribution(String from, String to, List<FlowEntry> flows, TrafficCounters baseline) {
    }

    /** What ended links carried on one flow (the entry as last attributed, for its identity). */
    private record Folded(FlowEntry flow, long packets, long bytes) {
    }

    private final BypassCounters counters;
    private final BiFunction<String, String, Optional<List<FlowEntry>>> soleFlows;
    private final Map<Long, List<Attribution>> live = new HashMap<>();
    private final Map<FlowKey, Folded> folded = new LinkedHashMap<>();
    private long unattributed;

    /**
     * @param counters  the links' direction counters (the supervisor)
     * @param soleFlows the flows all of a port's traffic hits, by port names (from, its peer), if attributable
     */
    LinkFlowCounters(BypassCounters counters, BiFunction<String, String, Optional<List<FlowEntry>>> soleFlows) {
        this.counters = Objects.requireNonNull(counters, "counters");
        this.soleFlows = Objects.requireNonNull(soleFlows, "soleFlows");
    }

    /**
     * The supervisor's state changes: the first one of a link starts attributing it (a new link
     * is first seen ATTACHING, before it carries anything; a link re-adopted from an earlier agent
     * is first seen in a later state, and everything it carried counts, as OVS's flow counters
     * kept counting under it), CLOSED folds.
     */
    synchronized void linkChanged(LinkStatus status) {
        if (status.state() != LinkState.CLOSED && !live.containsKey(status.linkId())) {
            boolean fresh = status.state() == LinkState.ATTACHING;
            List<Attribution> directions = new ArrayList<>();
            attribute(status, status.end0(), status.end1(), fresh, directions);
            if (status.twoWay()) {
                attribute(status, status.end1(), status.end0(), fresh, directions);
            }
            live.put(status.linkId(), directions);
        } else if (status.state() == LinkState.CLOSED) {
            List<Attribution> ended = live.remove(status.linkId());
            if (ended != null) {
                for (Attribution a : ended) {
                    TrafficCounters carried = carried(a);
                    for (FlowEntry flow : a.flows()) {
                        Folded before = folded.get(flow.key());
                        folded.put(flow.key(), new Folded(flow, (before == null ? 0 : before.packets()) + carried.packets(),
                                (before == null ? 0 : before.bytes()) + carried.bytes()));
                    }
                }
            }
        }
    }

    private void attribute(LinkStatus status, String from, String to, boolean fresh, List<Attribution> into) {
        Optional<List<FlowEntry>> flows = soleFlows.apply(from, to);
        if (flows.isEmpty()) {
            unattributed++;
            LOG.log(System.Logger.Level.WARNING, "link linkId=" + status.linkId() + ": the traffic " + from + " -> " + to
                    + " is shared by several rules; flow statistics through the proxy will not include it (port"
                    + " statistics do)");
            return;
        }
        into.add(new Attribution(from, to, flows.get(), fresh ? counters.direction(from, to) : TrafficCounters.ZERO));
    }

    private TrafficCounters carried(Attribution a) {
        TrafficCounters now = counters.direction(a.from(), a.to());
        return new TrafficCounters(Math.max(0, now.packets() - a.baseline().packets()),
                Math.max(0, now.bytes() - a.baseline().bytes()));
    }

    /** The switch removed a flow: its folded link traffic is forgotten (OVS's own counters went with it). */
    synchronized void flowRemoved(FlowKey key) {
        folded.remove(key);
    }

    /** Link traffic per flow, totals since each flow was first attributed; for {@code ExtraCounters.flows}. */
    synchronized List<FlowExtra> flows() {
        List<FlowExtra> out = new ArrayList<>();
        for (Folded f : folded.values()) {
            out.add(FlowExtra.of(f.flow(), f.packets(), f.bytes()));
        }
        for (List<Attribution> link : live.values()) {
            for (Attribution a : link) {
                TrafficCounters carried = carried(a);
                for (FlowEntry flow : a.flows()) {
                    out.add(FlowExtra.of(flow, carried.packets(), carried.bytes()));
                }
            }
        }
        return out;
    }

    /** Link directions whose traffic could not be put on flows. */
    synchronized long unattributed() {
        return unattributed;
    }
}
