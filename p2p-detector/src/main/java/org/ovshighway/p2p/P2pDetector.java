package org.ovshighway.p2p;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.ovshighway.p2p.PortAnalysis.Forwards;
import org.ovshighway.p2p.PortAnalysis.Refused;
import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.FieldMatch;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.FlowEvent;
import org.ovshighway.p2p.flow.FlowKey;
import org.ovshighway.p2p.flow.GroupEntry;
import org.ovshighway.p2p.flow.Match;
import org.ovshighway.p2p.flow.PortNo;

/**
 * Mirrors one bridge's flow and group tables from {@link FlowEvent}s and decides, incrementally,
 * which directions X→Y between candidate (ring) ports are point-to-point.
 *
 * <p>Direction X→Y is point-to-point exactly when X and Y are distinct candidate ports and
 * <ol>
 * <li>all traffic arriving on X is output to Y and nowhere else, as decided by {@link PortAnalyzer}
 *     (rules with one effect: output:Y, a single-bucket group doing only output:Y, or goto_table;
 *     no rewrite, meter, set_queue, extension action or idle_timeout; no higher- or equal-priority
 *     overlapping rule doing anything else; no table miss), and</li>
 * <li>no rule admitting a port other than X in its in_port (wildcarded in_port included), in any
 *     table, may output to Y: output:Y, FLOOD, ALL, NORMAL, TABLE, ANY, IN_PORT (from Y itself or
 *     a wildcard in_port), a group that may do one of these, a missing or chained group, or any
 *     extension action.</li>
 * </ol>
 * Reachability of later tables by other ports is not analysed: a rule counts wherever it is.
 *
 * <p>Incremental: a flow event re-analyses only the ports whose analysis read the changed
 * table at or above the changed priority (its own input port, or every such port for a wildcard
 * in_port) and re-checks only directions towards the ports the old or new rule may reach. A group
 * event re-analyses the ports whose analysis used the group. Nothing scans the whole table except
 * {@link FlowEvent.ResyncCompleted}. A port's own rules are not read one by one either: the
 * analysis reads a summary of them (see {@link PortAnalyzer}), so an event costs O(log n) in the
 * rules of the port for the common rule shapes. {@link #acceptAll} takes a burst of events and
 * re-analyses each touched port once.
 *
 * <p>Not thread-safe: feed it from one thread. The listener runs on that thread, inside
 * {@link #accept} and the candidate-port methods.
 */
public final class P2pDetector {

    /** {@link #addedRuleMayHandle}'s table for a rule whose table is not known. */
    public static final int ANY_TABLE = -1;

    private static final System.Logger LOG = System.getLogger(P2pDetector.class.getName());

    private final LinkListener listener;
    private final FlowTableMirror mirror = new FlowTableMirror();
    private final PortAnalyzer analyzer = new PortAnalyzer(mirror);
    private final DependencyIndex dependencies = new DependencyIndex();
    /** Candidate ports (the value is always TRUE). */
    private final PortTable<Boolean> candidates = new PortTable<>();
    /** Published verdicts: from → to for every point-to-point direction the listener was told about. */
    private final PortTable<PortNo> published = new PortTable<>();
    private boolean resyncing;
    private long inconsistencies;

    /** A detector with empty tables and no candidate ports (every verdict "not point-to-point"). */
    public P2pDetector(LinkListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Applies one event to the mirror and publishes the verdicts it changes. */
    public void accept(FlowEvent event) {
        Objects.requireNonNull(event, "event");
        Changes changes = new Changes();
        apply(event, changes);
        finish(changes);
    }

    /**
     * Applies a burst of events in order and publishes once, at the end, the verdicts they changed
     * together: each port they touch is re-analysed once, however many of its rules changed. The
     * verdicts afterwards are those {@link #accept} would leave after the same events one by one;
     * only transient verdicts inside the burst are not published. Use it where the events arrive
     * together anyway (one OpenFlow message, one read from the switch).
     *
     * <p>Deferring is sound because what an event marks for re-analysis is judged against the
     * analyses from before the burst: an analysis reads only the rules at or above its stop in the
     * tables it visited and the groups it used, so a port none of the events marked reads the same
     * rules at the end as at the start and keeps its outcome.
     */
    public void acceptAll(List<FlowEvent> events) {
        Objects.requireNonNull(events, "events");
        Changes changes = new Changes();
        for (FlowEvent event : events) {
            apply(Objects.requireNonNull(event, "event in batch"), changes);
        }
        finish(changes);
    }

    /** Applies one event to the mirror and records in {@code changes} what it may have changed. */
    private void apply(FlowEvent event, Changes changes) {
        switch (event) {
            case FlowEvent.FlowAdded(FlowEntry flow) -> putFlow(flow, changes);
            case FlowEvent.FlowModified(FlowEntry flow) -> {
                Rule old = mirror.put(flow);
                if (old == null) {
                    inconsistent("modified flow not in the mirror, added: flow=" + flow);
                }
                recheckRule(old, mirror.rule(flow.key()), changes);
            }
            case FlowEvent.FlowRemoved(FlowKey key, var reason) -> {
                Rule old = mirror.remove(key);
                if (old == null) {
                    inconsistent("removed flow not in the mirror: key=" + key + " reason=" + reason);
                } else {
                    recheckRule(old, null, changes);
                }
            }
            case FlowEvent.GroupAdded(GroupEntry group) -> putGroup(group, changes);
            case FlowEvent.GroupModified(GroupEntry group) -> {
                if (!mirror.groups().containsKey(group.groupId())) {
                    inconsistent("modified group not in the mirror, added: group=" + group.groupId());
                }
                putGroup(group, changes);
            }
            case FlowEvent.GroupDeleted(long groupId) -> {
                if (mirror.removeGroup(groupId) == null) {
                    inconsistent("deleted group not in the mirror: group=" + groupId);
                }
                groupChanged(groupId, changes);
            }
            case FlowEvent.ResyncStarted() -> {
                mirror.clear();
                dependencies.clear();
                resyncing = true;
                // Everything is recomputed when the dump completes; what came before no longer matters.
                changes.clear();
            }
            case FlowEvent.ResyncCompleted() -> {
                if (!resyncing) {
                    inconsistent("resync completed without a resync in progress");
                }
                resyncing = false;
                changes.recomputeAll = true;
            }
        }
    }

    /** Publishes what {@code changes} collected, unless a resync is open (verdicts are held until it completes). */
    private void finish(Changes changes) {
        if (resyncing) {
            return;
        }
        if (changes.recomputeAll) {
            recomputeAll();
        } else {
            publish(changes);
        }
    }

    /** Makes {@code port} a candidate (ring) port; no effect when it already is one. */
    public void addCandidatePort(PortNo port) {
        requireOrdinary(port);
        if (candidates.put(port, Boolean.TRUE) != null) {
            return;
        }
        Changes changes = new Changes();
        changes.reanalyse.add(port);
        changes.destinations.add(port);
        publish(changes);
    }

    /** Stops considering {@code port} a candidate; directions from and to it go down. */
    public void removeCandidatePort(PortNo port) {
        if (candidates.remove(port) == null) {
            return;
        }
        Changes changes = new Changes();
        changes.reanalyse.add(port);
        changes.destinations.add(port);
        publish(changes);
    }

    /** Replaces the candidate ports with {@code ports}. */
    public void setCandidatePorts(Set<PortNo> ports) {
        ports.forEach(P2pDetector::requireOrdinary);
        Changes changes = new Changes();
        for (PortNo gone : candidates.keys()) {
            if (!ports.contains(gone)) {
                candidates.remove(gone);
                changes.reanalyse.add(gone);
                changes.destinations.add(gone);
            }
        }
        for (PortNo port : ports) {
            if (candidates.put(port, Boolean.TRUE) == null) {
                changes.reanalyse.add(port);
                changes.destinations.add(port);
            }
        }
        publish(changes);
    }

    public Set<PortNo> candidatePorts() {
        return Collections.unmodifiableSet(new HashSet<>(candidates.keys()));
    }

    /** The port all traffic from {@code from} goes to when that direction is point-to-point. */
    public Optional<PortNo> pointToPointPeer(PortNo from) {
        return Optional.ofNullable(published.get(from));
    }

    public boolean isPointToPoint(PortNo from, PortNo to) {
        return to.equals(published.get(from));
    }

    /**
     * The flows every packet from {@code from} hits, one per table on its way (table 0 first,
     * then each goto_table's target), when {@code from} is point-to-point and the tables leave its
     * traffic no choice: in each of those tables exactly one rule overlaps the traffic down to the
     * first rule that covers it. Traffic that bypasses the switch can then be counted on exactly
     * those flows. Empty when {@code from} is not point-to-point, or several rules may share its
     * traffic (which of them a packet would have hit depends on the packet), or it goes through a
     * group.
     */
    public Optional<List<FlowEntry>> soleFlows(PortNo from) {
        List<PathStep> path = solePath(from);
        return path == null ? Optional.empty() : Optional.of(path.stream().map(step -> step.rule().entry).toList());
    }

    /**
     * Whether a rule added now to table {@code tableId} ({@code ANY_TABLE}: some table) at
     * {@code priority} with {@code match} may handle some of the traffic that arrives on
     * {@code from}. False only when that traffic takes one sole rule per table ({@link #soleFlows})
     * and, in every table on that path the new rule may be in, the new rule has a lower priority
     * than the sole rule or matches none of the traffic that reaches the table (a tie counts as
     * handling: which of two overlapping rules of one priority wins is undefined). A table the path
     * does not reach is never met.
     */
    public boolean addedRuleMayHandle(PortNo from, int tableId, int priority, Match match) {
        List<PathStep> path = solePath(from);
        if (path == null) {
            return true;
        }
        for (PathStep step : path) {
            if ((tableId == ANY_TABLE || tableId == step.tableId()) && priority >= step.rule().priority()
                    && match.overlaps(step.region())) {
                return true;
            }
        }
        return false;
    }

    /** One table on a port's sole path: the rule all the traffic that reaches it takes, and that traffic. */
    private record PathStep(int tableId, Rule rule, Match region) {
    }

    /**
     * The sole rule of each table {@code from}'s traffic goes through, table 0 first, ending with
     * the one that outputs; null when {@code from} is not point-to-point or some table leaves its
     * traffic a choice, the path goes through a group or back to an earlier table.
     */
    private List<PathStep> solePath(PortNo from) {
        if (!published.containsKey(from)) {
            return null;
        }
        List<PathStep> path = new ArrayList<>();
        Match region = Match.of(FieldMatch.inPort(from));
        int tableId = 0;
        while (path.size() <= FlowEntry.MAX_TABLE_ID) {
            Rule sole = soleRule(mirror.table(tableId), from, region);
            if (sole == null || sole.entry.actions().size() != 1) {
                return null;
            }
            path.add(new PathStep(tableId, sole, region));
            Action effect = sole.entry.actions().getFirst();
            if (effect instanceof Action.Output) {
                return path;
            }
            if (!(effect instanceof Action.GotoTable(int next)) || next <= tableId) {
                return null;
            }
            region = region.intersect(sole.entry.match());
            tableId = next;
        }
        return null;
    }

    /** The one rule of {@code index} that traffic in {@code region} of port {@code port} can hit, or null. */
    private static Rule soleRule(TableIndex index, PortNo port, Match region) {
        if (index == null) {
            return null;
        }
        MergedLevels levels = new MergedLevels(index.exactBucket(port), index.wildcardBucket());
        Rule found = null;
        while (levels.next()) {
            for (Rule rule : levels.rules()) {
                if (!rule.entry.match().overlaps(region)) {
                    continue;
                }
                if (found != null) {
                    return null;
                }
                found = rule;
            }
            if (found != null) {
                return found.entry.match().covers(region) ? found : null;
            }
        }
        return null;
    }

    /** Every point-to-point direction, from → to, sorted by port number. */
    public Map<PortNo, PortNo> pointToPointDirections() {
        Map<PortNo, PortNo> sorted = new TreeMap<>();
        published.forEach(sorted::put);
        return Collections.unmodifiableMap(sorted);
    }

    /**
     * Why traffic from {@code port} cannot bypass the switch, in words an operator understands and
     * naming the rule (table, priority, match, actions); empty when it is point-to-point.
     */
    public Optional<String> explain(PortNo port) {
        if (published.containsKey(port)) {
            return Optional.empty();
        }
        if (resyncing) {
            return Optional.of("the flow tables are being resynchronised with the switch; verdicts are held until the dump completes");
        }
        String reason = reason(port);
        return Optional.of(reason == null ? "port " + port + " is point-to-point but not yet published" : reason);
    }

    /** True between {@link FlowEvent.ResyncStarted} and {@link FlowEvent.ResyncCompleted}. */
    public boolean isResyncing() {
        return resyncing;
    }

    public int flowCount() {
        return mirror.flowCount();
    }

    /**
     * The input ports of the rules {@code selected} picks (for example the rules a FLOW_MOD would
     * delete): traffic that arrives on any other port meets none of them, in any table, since a
     * packet's in_port never changes on its way through the tables. O(rules); stops at the first
     * picked rule whose in_port is wildcarded or masked (it may see every port's traffic).
     */
    public RuleInPorts inPortsOf(Predicate<FlowEntry> selected) {
        Set<PortNo> ports = new HashSet<>();
        for (Rule rule : mirror.rules()) {
            if (!selected.test(rule.entry)) {
                continue;
            }
            if (rule.inPort == null) {
                return new RuleInPorts(Set.of(), true);
            }
            ports.add(rule.inPort);
        }
        return new RuleInPorts(ports, false);
    }

    /**
     * Where the traffic some set of rules may handle comes from: {@code ports}, or every port when
     * {@code anyPort} (then {@code ports} is empty).
     */
    public record RuleInPorts(Set<PortNo> ports, boolean anyPort) {
        public RuleInPorts {
            ports = Set.copyOf(ports);
        }

        /** Whether traffic arriving on {@code port} may meet one of the rules. */
        public boolean mayHandle(PortNo port) {
            return anyPort || ports.contains(port);
        }
    }

    public int groupCount() {
        return mirror.groupCount();
    }

    /** Events that did not fit the mirror (removal of an unknown flow, modification of an unknown group...). */
    public long inconsistencyCount() {
        return inconsistencies;
    }

    /** Port analyses run since construction (for tests of incrementality). */
    long analysisRuns() {
        return analyzer.runs();
    }

    /** Tables decided from a port bucket's summary instead of reading its rules (for tests of the fast path). */
    long summaryDecisions() {
        return analyzer.summaryDecisions();
    }

    private void putFlow(FlowEntry flow, Changes changes) {
        Rule old = mirror.put(flow);
        recheckRule(old, mirror.rule(flow.key()), changes);
    }

    /** Collects what replacing {@code old} by {@code now} (same key; either may be null) can change. */
    private void recheckRule(Rule old, Rule now, Changes changes) {
        Rule any = old != null ? old : now;
        dependencies.collectTableWatchers(any.table(), any.priority(), any.inPort, changes.reanalyse);
        if (old != null && now != null && old.reach.equals(now.reach)) {
            return;
        }
        for (Rule r : new Rule[] {old, now}) {
            if (r != null) {
                changes.destinationsAny |= r.reach.any();
                changes.destinations.addAll(r.reach.ports());
            }
        }
    }

    private void putGroup(GroupEntry group, Changes changes) {
        mirror.putGroup(group);
        groupChanged(group.groupId(), changes);
    }

    private void groupChanged(long groupId, Changes changes) {
        List<Reach> reaches = mirror.refreshReach(groupId);
        for (Reach reach : reaches) {
            changes.destinationsAny |= reach.any();
            changes.destinations.addAll(reach.ports());
        }
        changes.reanalyse.addAll(dependencies.groupWatchers(groupId));
    }

    /** Re-analyses what changed and publishes every direction whose verdict changed. */
    private void publish(Changes changes) {
        if (resyncing) {
            return;
        }
        Set<PortNo> decide = new LinkedHashSet<>();
        for (PortNo port : changes.reanalyse) {
            if (candidates.containsKey(port)) {
                dependencies.put(analyzer.analyse(port));
            } else {
                dependencies.remove(port);
            }
            decide.add(port);
        }
        if (changes.destinationsAny) {
            for (PortAnalysis analysis : dependencies.analyses()) {
                if (analysis.outcome() instanceof Forwards) {
                    decide.add(analysis.port());
                }
            }
        } else {
            for (PortNo to : changes.destinations) {
                decide.addAll(dependencies.forwardersTo(to));
            }
        }
        decide.addAll(changes.reanalyse);
        emitChanges(decide);
    }

    private void recomputeAll() {
        dependencies.clear();
        for (PortNo port : candidates.keys()) {
            dependencies.put(analyzer.analyse(port));
        }
        Set<PortNo> decide = new LinkedHashSet<>(candidates.keys());
        decide.addAll(published.keys());
        emitChanges(decide);
    }

    private void emitChanges(Set<PortNo> ports) {
        List<LinkEvent> downs = new ArrayList<>();
        List<LinkEvent> ups = new ArrayList<>();
        for (PortNo from : ports) {
            PortNo before = published.get(from);
            PortNo after = decide(from);
            if (Objects.equals(before, after)) {
                continue;
            }
            if (before != null) {
                published.remove(from);
                String reason = after != null
                        ? "port " + from + " now sends all its traffic to port " + after + " instead"
                        : Objects.requireNonNullElse(reason(from), "verdict withdrawn");
                downs.add(new LinkEvent.DirectionDown(from, before, reason));
            }
            if (after != null) {
                published.put(from, after);
                ups.add(new LinkEvent.DirectionUp(from, after));
            }
        }
        downs.forEach(listener::onLinkEvent);
        ups.forEach(listener::onLinkEvent);
    }

    /** The peer of {@code from} under the current analyses, or {@code null}. */
    private PortNo decide(PortNo from) {
        if (!candidates.containsKey(from)) {
            return null;
        }
        PortAnalysis analysis = dependencies.analysis(from);
        if (analysis == null || !(analysis.outcome() instanceof Forwards f)) {
            return null;
        }
        if (!candidates.containsKey(f.to()) || mirror.reachIndex().blocker(from, f.to()) != null) {
            return null;
        }
        return f.to();
    }

    /** Why {@code from} is not point-to-point under the current analyses, or {@code null} when it is. */
    private String reason(PortNo from) {
        if (!candidates.containsKey(from)) {
            return "port " + from + " is not a ring port (not a candidate)";
        }
        PortAnalysis analysis = dependencies.analysis(from);
        if (analysis == null) {
            return "port " + from + " has not been analysed yet";
        }
        return switch (analysis.outcome()) {
            case Refused(Refusal refusal) -> refusal.text();
            case Forwards(PortNo to, Rule evidence) -> {
                if (!candidates.containsKey(to)) {
                    yield "port " + from + " sends all its traffic to port " + to + " (" + evidence + "), but port " + to
                            + " is not a ring port";
                }
                Rule blocker = mirror.reachIndex().blocker(from, to);
                if (blocker != null) {
                    yield "port " + from + " sends all its traffic to port " + to + ", but " + blocker
                            + (blocker.reach.any() ? " may send traffic from other ports to any port, " + to + " included"
                                                    : " sends traffic from other ports to port " + to + " too");
                }
                yield null;
            }
        };
    }

    private void inconsistent(String what) {
        inconsistencies++;
        LOG.log(Level.WARNING, "flow mirror out of step with the switch: {0}", what);
    }

    private static void requireOrdinary(PortNo port) {
        if (port.isReserved()) {
            throw new IllegalArgumentException("a reserved port cannot be a candidate ring port: port=" + port);
        }
    }

    /** What one event or batch touched: ports to re-analyse, destinations whose incoming rules changed. */
    private static final class Changes {
        final Set<PortNo> reanalyse = new LinkedHashSet<>();
        final Set<PortNo> destinations = new LinkedHashSet<>();
        boolean destinationsAny;
        /** A resync completed: every candidate is re-analysed, the sets above do not matter. */
        boolean recomputeAll;

        void clear() {
            reanalyse.clear();
            destinations.clear();
            destinationsAny = false;
            recomputeAll = false;
        }
    }
}
