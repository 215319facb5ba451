package org.ovshighway.p2p;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.Bucket;
import org.ovshighway.p2p.flow.FieldMatch;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.GroupEntry;
import org.ovshighway.p2p.flow.GroupType;
import org.ovshighway.p2p.flow.Match;
import org.ovshighway.p2p.flow.PortNo;

/**
 * The point-to-point definition computed from scratch over the whole table, written separately
 * from the detector and as plainly as possible: no indexes, no early exits that matter, no state
 * between calls. Property tests compare the incremental detector against it after every event.
 */
final class ReferenceDecider {

    private final List<FlowEntry> flows;
    private final Map<Long, GroupEntry> groups;

    private ReferenceDecider(Collection<FlowEntry> flows, Map<Long, GroupEntry> groups) {
        this.flows = List.copyOf(flows);
        this.groups = Map.copyOf(groups);
    }

    /** Every point-to-point direction from → to. */
    static Map<PortNo, PortNo> decide(Collection<FlowEntry> flows, Map<Long, GroupEntry> groups, Set<PortNo> candidates) {
        ReferenceDecider reference = new ReferenceDecider(flows, groups);
        Map<PortNo, PortNo> result = new TreeMap<>();
        for (PortNo x : candidates) {
            Optional<PortNo> y = reference.everythingGoesTo(x);
            if (y.isPresent() && candidates.contains(y.get()) && !y.get().equals(x) && !reference.othersReach(x, y.get())) {
                result.put(x, y.get());
            }
        }
        return result;
    }

    private Optional<PortNo> everythingGoesTo(PortNo x) {
        Set<String> visited = new HashSet<>();
        return table(x, 0, Match.of(FieldMatch.inPort(x)), visited);
    }

    private Optional<PortNo> table(PortNo x, int tableId, Match region, Set<String> visited) {
        visited.add(tableId + " " + region);
        if (visited.size() > PortAnalyzer.MAX_REGIONS) {
            return Optional.empty();
        }
        List<FlowEntry> overlapping = new ArrayList<>();
        int coverPriority = -1;
        for (FlowEntry f : flows) {
            if (f.tableId() == tableId && f.match().overlaps(region)) {
                overlapping.add(f);
                if (f.match().covers(region)) {
                    coverPriority = Math.max(coverPriority, f.priority());
                }
            }
        }
        if (coverPriority < 0) {
            return Optional.empty();
        }
        Set<PortNo> targets = new HashSet<>();
        for (FlowEntry f : overlapping) {
            if (f.priority() >= coverPriority) {
                Optional<PortNo> t = ruleTarget(x, f, region, visited);
                if (t.isEmpty()) {
                    return Optional.empty();
                }
                targets.add(t.get());
            }
        }
        return targets.size() == 1 ? Optional.of(targets.iterator().next()) : Optional.empty();
    }

    private Optional<PortNo> ruleTarget(PortNo x, FlowEntry f, Match region, Set<String> visited) {
        if (f.idleTimeout() > 0 || f.actions().size() != 1) {
            return Optional.empty();
        }
        Action a = f.actions().get(0);
        if (a instanceof Action.Output o) {
            return plainPort(o.port(), x);
        }
        if (a instanceof Action.Group g) {
            GroupEntry group = groups.get(g.groupId());
            if (group == null || group.type() == GroupType.FAST_FAILOVER || group.buckets().size() != 1) {
                return Optional.empty();
            }
            Bucket b = group.buckets().get(0);
            if (group.type() == GroupType.SELECT && b.weight() == 0) {
                return Optional.empty();
            }
            if (b.actions().size() == 1 && b.actions().get(0) instanceof Action.Output o) {
                return plainPort(o.port(), x);
            }
            return Optional.empty();
        }
        if (a instanceof Action.GotoTable g && g.tableId() > f.tableId()) {
            return table(x, g.tableId(), region.intersect(f.match()), visited);
        }
        return Optional.empty();
    }

    private static Optional<PortNo> plainPort(PortNo p, PortNo x) {
        return p.isReserved() || p.equals(x) ? Optional.empty() : Optional.of(p);
    }

    /** Whether some rule admitting a port other than x may output to y. */
    private boolean othersReach(PortNo x, PortNo y) {
        for (FlowEntry f : flows) {
            Optional<PortNo> in = f.match().inPort();
            boolean admitsOther = in.isEmpty() || !in.get().equals(x);
            if (admitsOther && mayReach(f.actions(), in, y, true)) {
                return true;
            }
        }
        return false;
    }

    private boolean mayReach(List<Action> actions, Optional<PortNo> in, PortNo y, boolean followGroups) {
        for (Action a : actions) {
            if (a instanceof Action.Other) {
                return true;
            }
            if (a instanceof Action.Output o) {
                PortNo p = o.port();
                if (p.equals(y)) {
                    return true;
                }
                if (p.equals(PortNo.IN_PORT) && (in.isEmpty() || in.get().equals(y))) {
                    return true;
                }
                if (p.isReserved() && !p.equals(PortNo.IN_PORT) && !p.equals(PortNo.CONTROLLER) && !p.equals(PortNo.LOCAL)) {
                    return true;
                }
            }
            if (a instanceof Action.Group g) {
                GroupEntry group = groups.get(g.groupId());
                if (!followGroups || group == null) {
                    return true;
                }
                for (Bucket b : group.buckets()) {
                    if (mayReach(b.actions(), in, y, false)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
