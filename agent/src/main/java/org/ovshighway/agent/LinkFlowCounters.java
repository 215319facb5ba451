package org.ovshighway.agent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.FlowKey;
import org.ovshighway.proxy.stats.CounterReset;
import org.ovshighway.proxy.stats.FlowExtra;
import org.ovshighway.remapper.BypassCounters;
import org.ovshighway.remapper.BypassCounters.TrafficCounters;
import org.ovshighway.remapper.LinkState;
import org.ovshighway.remapper.LinkStatus;

/**
 * The flow half of the counters a controller reads through the proxy: traffic a link carried
 * for direction X → Y is added to the flows X's packets would have hit in OVS. When a link becomes
 * usable each of its directions is attributed to the detector's {@code soleFlows(X)} (one rule per
 * table that all of X's traffic hits), counting from the direction's counters when the link was
 * made (nothing is on a link before usable; a standby link may wait long, while its pair is not
 * point-to-point and the tables can name no flows for it); when it closes, what it carried is folded into a base per
 * flow, kept until the switch reports that flow removed (a new flow with the same match starts
 * from zero in OVS too) or the proxy relays a FLOW_MOD that resets its counters
 * ({@link #countersReset}). A direction whose traffic several rules share cannot be attributed
 * (which rule a packet would have hit depends on the packet): it is logged and counted in
 * {@link #unattributed}, and only the port counters include it.
 *
 * <p>The tables may change under a live link without breaking it (a rule added above the one the
 * link stands for, with the same output; a rule deleted and added again). After every change
 * ({@link #flowsChanged}) each live direction is asked again which flows it stands for; when the
 * answer differs, or one of its flows was removed, what it carried so far is folded into the flows
 * that still exist and it counts on the new flows from then on. While the tables cannot say
 * (being read again, or the direction no longer point-to-point and its link about to go) a
 * direction keeps counting on its flows.
 *
 * <p>Threads: link changes arrive on the supervisor thread, flow changes on the flow monitor's,
 * and {@link #flows} is called from the proxy's event loops; all take this object's monitor briefly.
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
    private final BiFunction<String, String, FlowAttribution> attribution;
    private final Map<Long, List<Attribution>> live = new HashMap<>();
    /** Links made but not usable yet: each direction's counters when the link was made. */
    private final Map<Long, Map<String, TrafficCounters>> notUsableYet = new HashMap<>();
    private final Map<FlowKey, Folded> folded = new LinkedHashMap<>();
    private long unattributed;

    /**
     * @param counters    the links' direction counters (the supervisor)
     * @param attribution which flows a port's traffic stands for, by port names (from, its peer)
     */
    LinkFlowCounters(BypassCounters counters, BiFunction<String, String, FlowAttribution> attribution) {
        this.counters = Objects.requireNonNull(counters, "counters");
        this.attribution = Objects.requireNonNull(attribution, "attribution");
    }

    /**
     * The supervisor's state changes. A new link (first seen ATTACHING) has its directions'
     * counters noted; its first usable state (USABLE, or later) attributes it from those. A link
     * re-adopted from an earlier agent is first seen in a later state and attributed at once, from
     * zero (everything it carried counts, as OVS's flow counters kept counting under it); a
     * re-adopted standby link is attributed once activated, from zero too (it carried nothing).
     * CLOSED folds.
     */
    synchronized void linkChanged(LinkStatus status) {
        long id = status.linkId();
        switch (status.state()) {
            case CLOSED -> {
                notUsableYet.remove(id);
                List<Attribution> ended = live.remove(id);
                if (ended != null) {
                    for (Attribution a : ended) {
                        fold(a, Set.of(), counters.direction(a.from(), a.to()));
                    }
                }
            }
            case ATTACHING -> {
                if (!live.containsKey(id) && !notUsableYet.containsKey(id)) {
                    Map<String, TrafficCounters> baselines = new HashMap<>();
                    baselines.put(status.end0(), counters.direction(status.end0(), status.end1()));
                    if (status.twoWay()) {
                        baselines.put(status.end1(), counters.direction(status.end1(), status.end0()));
                    }
                    notUsableYet.put(id, baselines);
                }
            }
            case STANDBY, ROLLING_BACK -> {
                // carries nothing: attributed once usable (a rolled-back link never is)
            }
            case USABLE, ACTIVE, REVERTING, FORCING -> {
                if (!live.containsKey(id)) {
                    Map<String, TrafficCounters> baselines = notUsableYet.remove(id);
                    List<Attribution> directions = new ArrayList<>();
                    attribute(id, status.end0(), status.end1(), baselines, directions);
                    if (status.twoWay()) {
                        attribute(id, status.end1(), status.end0(), baselines, directions);
                    }
                    live.put(id, directions);
                }
            }
        }
    }

    /** {@code baselines}: each direction's counters by sending port when the link was made; null for a re-adopted link. */
    private void attribute(long linkId, String from, String to, Map<String, TrafficCounters> baselines,
                           List<Attribution> into) {
        FlowAttribution now = attribution.apply(from, to);
        if (!(now instanceof FlowAttribution.Sole sole)) {
            unattributed++;
            LOG.log(System.Logger.Level.WARNING, "link linkId=" + linkId + ": the traffic " + from + " -> " + to
                    + (now instanceof FlowAttribution.Shared ? " is shared by several rules"
                    : " has no flows the tables can name now (being read, or no longer point-to-point)")
                    + "; flow statistics through the proxy will not include it (port statistics do)");
            return;
        }
        into.add(new Attribution(from, to, sole.flows(), baselines != null ? baselines.get(from) : TrafficCounters.ZERO));
    }

    /**
     * The flow tables changed (the detector has taken the change); {@code removed} are the keys of
     * the flows the switch removed. Live directions are attributed again where the tables now say
     * otherwise, and removed flows forget what was folded into them (OVS's counters went with them).
     */
    synchronized void flowsChanged(Set<FlowKey> removed) {
        for (Map.Entry<Long, List<Attribution>> link : live.entrySet()) {
            List<Attribution> directions = link.getValue();
            for (int i = directions.size() - 1; i >= 0; i--) {
                Attribution a = directions.get(i);
                FlowAttribution now = attribution.apply(a.from(), a.to());
                boolean lostFlow = a.flows().stream().anyMatch(f -> removed.contains(f.key()));
                boolean moved = switch (now) {
                    case FlowAttribution.Unknown _ -> false;
                    case FlowAttribution.Shared _ -> true;
                    case FlowAttribution.Sole sole -> !keys(sole.flows()).equals(keys(a.flows()));
                };
                if (!lostFlow && !moved) {
                    continue;
                }
                // one reading for both: what the old flows carried ends exactly where the new ones start
                TrafficCounters from = counters.direction(a.from(), a.to());
                fold(a, removed, from);
                switch (now) {
                    case FlowAttribution.Sole sole -> {
                        directions.set(i, new Attribution(a.from(), a.to(), sole.flows(), from));
                        LOG.log(System.Logger.Level.INFO, "link linkId=" + link.getKey() + ": the traffic " + a.from()
                                + " -> " + a.to() + (moved ? " now stands for flows=" + keys(sole.flows()) + " (was "
                                + keys(a.flows()) + ")" : " stands for flows=" + keys(sole.flows()) + " again, counted"
                                + " from zero (the switch removed one of them; a flow added anew starts from zero in OVS)"));
                    }
                    case FlowAttribution.Shared _ -> {
                        directions.remove(i);
                        unattributed++;
                        LOG.log(System.Logger.Level.WARNING, "link linkId=" + link.getKey() + ": the traffic "
                                + a.from() + " -> " + a.to() + " is now shared by several rules; flow statistics"
                                + " through the proxy will not include it from here on (port statistics do)");
                    }
                    case FlowAttribution.Unknown _ ->
                        // a flow went while the tables cannot say more: count on the ones that remain
                        directions.set(i, new Attribution(a.from(), a.to(), a.flows().stream()
                                .filter(f -> !removed.contains(f.key())).toList(), from));
                }
            }
        }
        for (FlowKey key : removed) {
            folded.remove(key);
        }
    }

    /**
     * A controller's FLOW_MOD, relayed by the proxy, makes the switch reset the counters of the
     * flows {@code reset} selects (an OpenFlow 1.0 ADD re-installing a flow, or one with
     * RESET_COUNTS): what links carried on those flows is forgotten, as OVS forgets its own count,
     * and each live direction counting on one of them starts again from zero on it (what it
     * carried so far stays on its other flows). Called on a proxy event loop right after the
     * FLOW_MOD is relayed; the link traffic between that and the switch applying it counts on the
     * flow afresh (at most the frames of one round trip to the switch).
     */
    synchronized void countersReset(CounterReset reset) {
        List<FlowKey> forgotten = new ArrayList<>();
        for (Map.Entry<FlowKey, Folded> f : folded.entrySet()) {
            if (reset.resets(f.getValue().flow())) {
                forgotten.add(f.getKey());
            }
        }
        folded.keySet().removeAll(forgotten);
        for (Map.Entry<Long, List<Attribution>> link : live.entrySet()) {
            List<Attribution> directions = link.getValue();
            for (int i = 0; i < directions.size(); i++) {
                Attribution a = directions.get(i);
                Set<FlowKey> zeroed = new HashSet<>();
                for (FlowEntry flow : a.flows()) {
                    if (reset.resets(flow)) {
                        zeroed.add(flow.key());
                    }
                }
                if (zeroed.isEmpty()) {
                    continue;
                }
                TrafficCounters now = counters.direction(a.from(), a.to());
                fold(a, zeroed, now);
                directions.set(i, new Attribution(a.from(), a.to(), a.flows(), now));
                LOG.log(System.Logger.Level.INFO, "link linkId=" + link.getKey() + ": the traffic " + a.from() + " -> "
                        + a.to() + " counts from zero on flows=" + zeroed + " (a relayed FLOW_MOD resets their counters"
                        + " in the switch)");
            }
        }
        if (!forgotten.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "flows=" + forgotten + ": what ended links carried on them is forgotten"
                    + " (a relayed FLOW_MOD resets their counters in the switch)");
        }
    }

    /**
     * Adds what {@code a} carried up to the direction's counters {@code now} to the folded base of
     * each of its flows that is not {@code gone}.
     */
    private void fold(Attribution a, Set<FlowKey> gone, TrafficCounters now) {
        TrafficCounters carried = carried(a, now);
        for (FlowEntry flow : a.flows()) {
            if (gone.contains(flow.key())) {
                continue;
            }
            Folded before = folded.get(flow.key());
            folded.put(flow.key(), new Folded(flow, (before == null ? 0 : before.packets()) + carried.packets(),
                    (before == null ? 0 : before.bytes()) + carried.bytes()));
        }
    }

    private static List<FlowKey> keys(List<FlowEntry> flows) {
        return flows.stream().map(FlowEntry::key).toList();
    }

    private TrafficCounters carried(Attribution a) {
        return carried(a, counters.direction(a.from(), a.to()));
    }

    private static TrafficCounters carried(Attribution a, TrafficCounters now) {
        return new TrafficCounters(Math.max(0, now.packets() - a.baseline().packets()),
                Math.max(0, now.bytes() - a.baseline().bytes()));
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
