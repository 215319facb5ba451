package org.ovshighway.p2p;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ovshighway.p2p.PortAnalysis.Forwards;
import org.ovshighway.p2p.PortAnalysis.Outcome;
import org.ovshighway.p2p.PortAnalysis.Refused;
import org.ovshighway.p2p.Refusal.Problem;
import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.Bucket;
import org.ovshighway.p2p.flow.FieldMatch;
import org.ovshighway.p2p.flow.FlowEntry;
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
 *
 * <p>Where the region is exactly {@code in_port=X} (always in table 0) the rules of X's own bucket
 * are not read one by one: {@link PortBucket}'s summary gives the highest covering priority C, and
 * whether every rule of the bucket at or above C is a single output to one port, in O(log n). The
 * outcome is the same as reading them: every such rule overlaps the region, so each one read must
 * forward to the same port, and a rule's {@link RuleKind} is exactly what its effect would be. Only
 * a group or forward goto_table in the bucket at or above C sends the analysis back to reading rules.
 */
final class PortAnalyzer {

    /** Distinct (table, region) pairs one analysis may visit before it gives up, refusing. */
    static final int MAX_REGIONS = 256;

    private final FlowTableMirror mirror;
    /** Analyses run so far; lets tests check that an event re-analyses only the ports it can affect. */
    private long runs;
    private long summaryDecisions;

    PortAnalyzer(FlowTableMirror mirror) {
        this.mirror = mirror;
    }

    PortAnalysis analyse(PortNo port) {
        runs++;
        Run run = new Run(port);
        Outcome outcome = run.table(0, run.portRegion);
        return new PortAnalysis(port, outcome, run.stops, run.groups);
    }

    long runs() {
        return runs;
    }

    /** Analyses whose port bucket summary decided a table without reading the bucket's rules (for tests). */
    long summaryDecisions() {
        return summaryDecisions;
    }

    private record TableRegion(int table, Match region) {
    }

    /** One analysis: memoises (table, region) results and records what it read. */
    private final class Run {
        private final PortNo port;
        /** All traffic of the port: {@code in_port=X}. */
        private final Match portRegion;
        private final Map<TableRegion, Outcome> memo = new HashMap<>();
        private final Map<Integer, Integer> stops = new HashMap<>();
        private final Set<Long> groups = new HashSet<>();
        /** Distinct (table, region) pairs entered, finished or not: over MAX_REGIONS the analysis refuses. */
        private int entered;

        Run(PortNo port) {
            this.port = port;
            this.portRegion = Match.of(FieldMatch.inPort(port));
        }

        Outcome table(int tableId, Match region) {
            TableRegion key = new TableRegion(tableId, region);
            Outcome known = memo.get(key);
            if (known != null) {
                return known;
            }
            if (++entered > MAX_REGIONS) {
                return new Refused(new Refusal.TooComplex(port));
            }
            Outcome outcome = null;
            TableIndex index = mirror.table(tableId);
            if (index != null && (region == portRegion || region.equals(portRegion))) {
                outcome = summaryScan(tableId, index);
            }
            if (outcome == null) {
                outcome = scan(tableId, index, region);
            }
            memo.put(key, outcome);
            return outcome;
        }

        /**
         * The outcome for the region {@code in_port=X}, reading the wildcard bucket rule by rule and
         * X's bucket through its summary; {@code null} when a group or forward goto_table of X's
         * bucket at or above the covering priority needs the full {@link #scan}.
         *
         * <p>Same outcome as {@link #scan}: the rules read are those overlapping the region at or
         * above C, the highest priority of a covering rule in either bucket, and the outcome is
         * output:Y exactly when C exists and each rule read forwards to Y. Stops: a refusal at
         * priority p stays a refusal whatever changes below p (the refusing rules stay at or above
         * any new C), so p is recorded; a forward records C.
         */
        private Outcome summaryScan(int tableId, TableIndex index) {
            PortBucket bucket = index.portBucket(port);
            int exactCover = bucket == null ? RulesByPriority.NONE : bucket.coveringPriority();
            if (bucket != null && bucket.topComplexPriority() != RulesByPriority.NONE
                    && bucket.topComplexPriority() >= Math.max(exactCover, 0)) {
                return null;
            }
            Forwards target = null;
            int cover = exactCover;
            RulesByPriority wildcard = index.wildcardBucket();
            for (int level = 0; level < wildcard.levelCount(); level++) {
                int priority = wildcard.priorityAt(level);
                if (priority < exactCover) {
                    break;
                }
                boolean covered = false;
                for (Rule rule : wildcard.rulesAt(level)) {
                    if (!rule.entry.match().overlaps(portRegion)) {
                        continue;
                    }
                    covered |= rule.entry.match().covers(portRegion);
                    Outcome effect = effect(rule, tableId, portRegion);
                    if (!(effect instanceof Forwards f)) {
                        stop(tableId, priority);
                        return effect;
                    }
                    if (target == null) {
                        target = f;
                    } else if (!target.to().equals(f.to())) {
                        stop(tableId, priority);
                        return split(target, f);
                    }
                }
                if (covered) {
                    cover = priority;
                    break;
                }
            }
            if (cover == RulesByPriority.NONE) {
                stop(tableId, PortAnalysis.ALL_PRIORITIES);
                return new Refused(new Refusal.TableMiss(port, tableId, portRegion));
            }
            if (bucket == null) {
                stop(tableId, cover);
                return target;
            }
            // From the check above: no complex rule of the bucket at or above exactCover <= cover.
            summaryDecisions++;
            int destinations = bucket.destinationCount();
            int splitAt = destinations < 2 ? RulesByPriority.NONE : bucket.destinationPriority(1);
            int refusedAt = bucket.topRefusedPriority();
            if (refusedAt >= cover && refusedAt >= splitAt) {
                stop(tableId, refusedAt);
                Rule refused = bucket.topRefused();
                Outcome refusal = effect(refused, tableId, portRegion);
                if (!(refusal instanceof Refused)) {
                    throw new IllegalStateException("rule classified as refused by itself but its effect is " + refusal + ": rule=" + refused);
                }
                return refusal;
            }
            if (splitAt >= cover) {
                stop(tableId, splitAt);
                return split(forwards(bucket, 0), forwards(bucket, 1));
            }
            if (destinations > 0 && bucket.destinationPriority(0) >= cover) {
                Forwards own = forwards(bucket, 0);
                if (target != null && !target.to().equals(own.to())) {
                    stop(tableId, cover);
                    return split(target, own);
                }
                target = own;
            }
            stop(tableId, cover);
            if (target == null) {
                throw new IllegalStateException("covering priority without a rule read: port=" + port + " table=" + tableId
                        + " priority=" + cover);
            }
            return target;
        }

        /** Forwards to the bucket's {@code i}-th destination, its highest simple rule as evidence. */
        private Forwards forwards(PortBucket bucket, int i) {
            PortNo to = bucket.destination(i);
            return new Forwards(to, bucket.topRuleTo(to));
        }

        private Refused split(Forwards first, Forwards second) {
            return new Refused(new Refusal.Split(port, first, second));
        }

        private Outcome scan(int tableId, TableIndex index, Match region) {
            MergedLevels levels = index == null ? new MergedLevels(null, null)
                    : new MergedLevels(index.exactBucket(port), index.wildcardBucket());
            Forwards target = null;
            while (levels.next()) {
                int priority = levels.priority();
                boolean covered = false;
                for (Rule rule : levels.rules()) {
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
                            return split(target, f);
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
            return new Refused(new Refusal.TableMiss(port, tableId, region));
        }

        /** What one rule does with the part of the region it matches. */
        private Outcome effect(Rule rule, int tableId, Match region) {
            FlowEntry entry = rule.entry;
            if (entry.idleTimeout() != 0) {
                return refuse(rule, Problem.IDLE_TIMEOUT, entry.idleTimeout());
            }
            for (Action action : entry.actions()) {
                Problem forbidden = forbidden(action);
                if (forbidden != null) {
                    return refuse(rule, forbidden, action);
                }
            }
            List<Action> effects = entry.actions();
            if (effects.isEmpty()) {
                return refuse(rule, Problem.DROP, null);
            }
            if (effects.size() > 1) {
                boolean allOutputs = effects.stream().allMatch(a -> a instanceof Action.Output);
                return refuse(rule, allOutputs ? Problem.SEVERAL_OUTPUTS : Problem.SEVERAL_EFFECTS, null);
            }
            return switch (effects.getFirst()) {
                case Action.Output(PortNo to) -> output(rule, to, null);
                case Action.Group(long groupId) -> group(rule, groupId);
                case Action.GotoTable(int next) -> next <= tableId
                        ? refuse(rule, Problem.GOTO_NOT_LATER, next)
                        : table(next, region.intersect(entry.match()));
                default -> throw new IllegalStateException("unclassified action: action=" + effects.getFirst());
            };
        }

        private Outcome output(Rule rule, PortNo to, GroupEntry via) {
            if (to.isReserved()) {
                return new Refused(new Refusal.RuleProblem(rule, Problem.OUTPUT_RESERVED, to, via));
            }
            if (to.equals(port)) {
                return new Refused(new Refusal.RuleProblem(rule, Problem.OUTPUT_IN_PORT, to, via));
            }
            return new Forwards(to, rule);
        }

        private Outcome group(Rule rule, long groupId) {
            groups.add(groupId);
            GroupEntry group = mirror.group(groupId);
            if (group == null) {
                return refuse(rule, Problem.GROUP_MISSING, groupId);
            }
            List<Bucket> buckets = group.buckets();
            if (group.type() == GroupType.FAST_FAILOVER) {
                return refuse(rule, Problem.GROUP_FAST_FAILOVER, group);
            }
            if (buckets.size() != 1) {
                return refuse(rule, Problem.GROUP_NOT_ONE_BUCKET, group);
            }
            Bucket bucket = buckets.getFirst();
            if (group.type() == GroupType.SELECT && bucket.weight() == 0) {
                return refuse(rule, Problem.GROUP_WEIGHT_ZERO, group);
            }
            if (bucket.actions().size() != 1 || !(bucket.actions().getFirst() instanceof Action.Output(PortNo to))) {
                return refuse(rule, Problem.GROUP_BUCKET_NOT_OUTPUT, group);
            }
            return output(rule, to, group);
        }

        private Refused refuse(Rule rule, Problem problem, Object detail) {
            return new Refused(new Refusal.RuleProblem(rule, problem, detail, null));
        }

        /** The problem an action by itself causes, or {@code null} for output, group and goto_table. */
        private static Problem forbidden(Action action) {
            return switch (action) {
                case Action.Output o -> null;
                case Action.Group g -> null;
                case Action.GotoTable g -> null;
                case Action.SetField s -> Problem.REWRITE;
                case Action.HeaderRewrite h -> Problem.REWRITE;
                case Action.SetQueue q -> Problem.SET_QUEUE;
                case Action.Meter m -> Problem.METER;
                case Action.Other o -> Problem.EXTENSION;
            };
        }

        private void stop(int tableId, int priority) {
            stops.merge(tableId, priority, Math::min);
        }
    }
}
