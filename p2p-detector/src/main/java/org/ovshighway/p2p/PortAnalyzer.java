package org.ovshighway.p2p;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import org.ovshighway.p2p.PortAnalysis.Forwards;
import org.ovshighway.p2p.PortAnalysis.Outcome;
import org.ovshighway.p2p.PortAnalysis.Refused;
import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.Bucket;
import org.ovshighway.p2p.flow.FieldMatch;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.FlowKey;
import org.ovshighway.p2p.flow.GroupEntry;
import org.ovshighway.p2p.flow.GroupType;
import org.ovshighway.p2p.flow.Match;
import org.ovshighway.p2p.flow.PortNo;

/**
 * Decides what the tables do with all traffic from one port (the "from X" half of the definition).
 *
 * <p>Traffic from X enters table 0 as the region {@code in_port=X}. In a table, the rules that may
 * overlap the region are read by descending priority down to the highest priority level holding a
 * rule that covers the whole region; every rule read (that level included, since OpenFlow leaves
 * equal-priority overlaps undefined) must have exactly one effect, all the same: {@code output:Y},
 * a single-bucket group whose bucket is only {@code output:Y}, or {@code goto_table} to a later
 * table whose analysis, for the region narrowed by the rule's match, gives output:Y. No covering
 * rule means part of the traffic may miss the table. Regions only ever over-approximate the real
 * traffic (lower-priority rules are not subtracted), so every answer errs towards "not
 * point-to-point".
 */
final class PortAnalyzer {

    /** Distinct (table, region) pairs one analysis may visit before it gives up, refusing. */
    static final int MAX_REGIONS = 256;

    private final FlowTableMirror mirror;

    PortAnalyzer(FlowTableMirror mirror) {
        this.mirror = mirror;
    }

    PortAnalysis analyse(PortNo port) {
        Run run = new Run(port);
        Outcome outcome = run.table(0, Match.of(FieldMatch.inPort(port)));
        return new PortAnalysis(port, outcome, run.stops, run.groups);
    }

    private record TableRegion(int table, Match region) {
    }

    /** One analysis: memoises (table, region) results and records what it read. */
    private final class Run {
        private final PortNo port;
        private final Map<TableRegion, Outcome> memo = new HashMap<>();
        private final Map<Integer, Integer> stops = new HashMap<>();
        private final Set<Long> groups = new HashSet<>();

        Run(PortNo port) {
            this.port = port;
        }

        Outcome table(int tableId, Match region) {
            TableRegion key = new TableRegion(tableId, region);
            Outcome known = memo.get(key);
            if (known != null) {
                return known;
            }
            if (memo.size() >= MAX_REGIONS) {
                return new Refused("the pipeline of port " + port + " reaches more than " + MAX_REGIONS
                        + " table/match combinations; too complex to prove point-to-point");
            }
            Outcome outcome = scan(tableId, region);
            memo.put(key, outcome);
            return outcome;
        }

        private Outcome scan(int tableId, Match region) {
            TableIndex index = mirror.table(tableId);
            Iterator<Map.Entry<Integer, Map<FlowKey, Rule>>> exact = levels(index == null ? null : index.exactBucket(port));
            Iterator<Map.Entry<Integer, Map<FlowKey, Rule>>> wild = levels(index == null ? null : index.wildcardBucket());
            Map.Entry<Integer, Map<FlowKey, Rule>> e = next(exact);
            Map.Entry<Integer, Map<FlowKey, Rule>> w = next(wild);
            Forwards target = null;
            while (e != null || w != null) {
                int priority = Math.max(e == null ? -1 : e.getKey(), w == null ? -1 : w.getKey());
                List<Rule> level = new ArrayList<>();
                if (e != null && e.getKey() == priority) {
                    level.addAll(e.getValue().values());
                    e = next(exact);
                }
                if (w != null && w.getKey() == priority) {
                    level.addAll(w.getValue().values());
                    w = next(wild);
                }
                boolean covered = false;
                for (Rule rule : level) {
                    if (!rule.entry.match().overlaps(region)) {
                        continue;
                    }
                    covered |= rule.entry.match().covers(region);
                    Outcome effect = effect(rule, tableId, region);
                    if (effect instanceof Forwards f) {
                        if (target == null) {
                            target = f;
                        } else if (!target.to().equals(f.to())) {
                            stop(tableId, priority);
                            return new Refused("traffic of port " + port + " is split: " + target.evidence() + " sends it to port "
                                    + target.to() + " but " + f.evidence() + " sends it to port " + f.to());
                        }
                    } else {
                        stop(tableId, priority);
                        return effect;
                    }
                }
                if (covered) {
                    stop(tableId, priority);
                    return target;
                }
            }
            stop(tableId, PortAnalysis.ALL_PRIORITIES);
            return new Refused("table " + tableId + ": no rule matches all traffic of port " + port + " reaching it ("
                    + region + "); the rest misses the table");
        }

        /** What one rule does with the part of the region it matches. */
        private Outcome effect(Rule rule, int tableId, Match region) {
            FlowEntry entry = rule.entry;
            if (entry.idleTimeout() != 0) {
                return refuse(rule, "idle_timeout=" + entry.idleTimeout() + " would expire the rule while the traffic bypasses the switch");
            }
            List<Action> effects = new ArrayList<>(1);
            for (Action action : entry.actions()) {
                String forbidden = forbidden(action);
                if (forbidden != null) {
                    return refuse(rule, forbidden);
                }
                effects.add(action);
            }
            if (effects.isEmpty()) {
                return refuse(rule, "drops the traffic");
            }
            if (effects.size() > 1) {
                boolean allOutputs = effects.stream().allMatch(a -> a instanceof Action.Output);
                return refuse(rule, allOutputs ? "more than one output" : "more than one output, group or goto_table");
            }
            return switch (effects.getFirst()) {
                case Action.Output(PortNo to) -> output(rule, to, "");
                case Action.Group(long groupId) -> group(rule, groupId);
                case Action.GotoTable(int next) -> next <= tableId
                        ? refuse(rule, "goto_table:" + next + " does not lead to a later table")
                        : table(next, region.intersect(entry.match()));
                default -> throw new IllegalStateException("unclassified action: action=" + effects.getFirst());
            };
        }

        private Outcome output(Rule rule, PortNo to, String via) {
            if (to.isReserved()) {
                return refuse(rule, via + "output to " + to + ", not to a single port");
            }
            if (to.equals(port)) {
                return refuse(rule, via + "output to the input port " + to + ", which the switch drops");
            }
            return new Forwards(to, rule);
        }

        private Outcome group(Rule rule, long groupId) {
            groups.add(groupId);
            GroupEntry group = mirror.group(groupId);
            if (group == null) {
                return refuse(rule, "group " + groupId + " does not exist");
            }
            List<Bucket> buckets = group.buckets();
            String what = "group " + groupId + " (" + group.type().name().toLowerCase() + ", " + buckets.size() + " buckets)";
            if (group.type() == GroupType.FAST_FAILOVER) {
                return refuse(rule, what + " is fast-failover: it drops traffic when its watched port is down");
            }
            if (buckets.size() != 1) {
                return refuse(rule, what + " does not have exactly one bucket");
            }
            Bucket bucket = buckets.getFirst();
            if (group.type() == GroupType.SELECT && bucket.weight() == 0) {
                return refuse(rule, what + " selects a bucket of weight 0, which is never used");
            }
            if (bucket.actions().size() != 1 || !(bucket.actions().getFirst() instanceof Action.Output(PortNo to))) {
                return refuse(rule, what + " bucket is not a single output: " + bucket);
            }
            return output(rule, to, what + " bucket ");
        }

        private Refused refuse(Rule rule, String why) {
            return new Refused(rule + " — " + why);
        }

        /** Why an action by itself disqualifies a rule, or {@code null} for output, group and goto_table. */
        private static String forbidden(Action action) {
            return switch (action) {
                case Action.Output o -> null;
                case Action.Group g -> null;
                case Action.GotoTable g -> null;
                case Action.SetField s -> "rewrites headers (" + s + ")";
                case Action.HeaderRewrite h -> "rewrites headers (" + h + ")";
                case Action.SetQueue q -> q + " selects an output queue";
                case Action.Meter m -> m + " applies a meter";
                case Action.Other o -> "action " + o + " is not a plain output";
            };
        }

        private void stop(int tableId, int priority) {
            stops.merge(tableId, priority, Math::min);
        }

        private static Iterator<Map.Entry<Integer, Map<FlowKey, Rule>>> levels(NavigableMap<Integer, Map<FlowKey, Rule>> bucket) {
            return bucket == null ? null : bucket.entrySet().iterator();
        }

        private static Map.Entry<Integer, Map<FlowKey, Rule>> next(Iterator<Map.Entry<Integer, Map<FlowKey, Rule>>> it) {
            return it != null && it.hasNext() ? it.next() : null;
        }
    }
}
