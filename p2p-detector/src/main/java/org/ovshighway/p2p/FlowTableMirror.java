package org.ovshighway.p2p;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.FlowKey;
import org.ovshighway.p2p.flow.GroupEntry;
import org.ovshighway.p2p.flow.PortNo;

/**
 * The detector's copy of the bridge's flow and group tables, with the indexes the incremental
 * decision needs. Invariant: every rule in {@link #rules} is in exactly one {@link TableIndex}
 * bucket, in {@link #reachIndex} under its current {@link Rule#reach}, and under each group it
 * references in {@link #rulesByGroup}. All updates cost O(log n) plus the rules a group change touches.
 */
final class FlowTableMirror {

    private final Map<FlowKey, Rule> rules = new HashMap<>();
    private final Map<Integer, TableIndex> tables = new HashMap<>();
    private final Map<Long, GroupEntry> groups = new HashMap<>();
    private final Map<Long, Map<FlowKey, Rule>> rulesByGroup = new HashMap<>();
    private final ReachIndex reachIndex = new ReachIndex(this::topSimpleRule);

    /** Stores the entry, replacing any entry with the same key; returns the replaced rule or {@code null}. */
    Rule put(FlowEntry entry) {
        Rule rule = new Rule(entry);
        // One lookup of the key (hashing a match is the costly part): replace, then unindex the old rule.
        Rule old = rules.put(rule.key, rule);
        if (old != null) {
            unindex(old);
        }
        rule.reach = ReachCalculator.reach(entry.actions(), rule.inPort, groups);
        tables.computeIfAbsent(rule.table(), t -> new TableIndex()).add(rule);
        reachIndex.add(rule);
        for (long groupId : referencedGroups(entry)) {
            rulesByGroup.computeIfAbsent(groupId, g -> new LinkedHashMap<>()).put(rule.key, rule);
        }
        return old;
    }

    /** Removes the entry with this key; returns it or {@code null} when there was none. */
    Rule remove(FlowKey key) {
        Rule rule = rules.remove(key);
        if (rule != null) {
            unindex(rule);
        }
        return rule;
    }

    /** Takes a rule already out of {@link #rules} out of every index. */
    private void unindex(Rule rule) {
        FlowKey key = rule.key;
        TableIndex table = tables.get(rule.table());
        table.remove(rule);
        if (table.isEmpty()) {
            tables.remove(rule.table());
        }
        reachIndex.remove(rule);
        for (long groupId : referencedGroups(rule.entry)) {
            Map<FlowKey, Rule> users = rulesByGroup.get(groupId);
            if (users != null) {
                users.remove(key);
                if (users.isEmpty()) {
                    rulesByGroup.remove(groupId);
                }
            }
        }
    }

    /** Stores or replaces a group; returns the replaced group or {@code null}. Call {@link #refreshReach} afterwards. */
    GroupEntry putGroup(GroupEntry group) {
        return groups.put(group.groupId(), group);
    }

    GroupEntry removeGroup(long groupId) {
        return groups.remove(groupId);
    }

    /**
     * Recomputes the reach of every rule using the group and re-indexes those whose reach changed.
     * Returns the reaches before and after of the changed rules, flattened as pairs (old, new).
     */
    List<Reach> refreshReach(long groupId) {
        Map<FlowKey, Rule> users = rulesByGroup.get(groupId);
        List<Reach> changed = new ArrayList<>();
        if (users == null) {
            return changed;
        }
        for (Rule rule : users.values()) {
            Reach now = ReachCalculator.reach(rule.entry.actions(), rule.inPort, groups);
            if (!now.equals(rule.reach)) {
                reachIndex.remove(rule);
                changed.add(rule.reach);
                rule.reach = now;
                changed.add(now);
                reachIndex.add(rule);
            }
        }
        return changed;
    }

    void clear() {
        rules.clear();
        tables.clear();
        groups.clear();
        rulesByGroup.clear();
        reachIndex.clear();
    }

    /** A highest simple rule with in_port {@code inPort} outputting to {@code to}, lowest table first; {@code null} when none. */
    private Rule topSimpleRule(PortNo inPort, PortNo to) {
        for (int tableId : new TreeSet<>(tables.keySet())) {
            PortBucket bucket = tables.get(tableId).portBucket(inPort);
            Rule rule = bucket == null ? null : bucket.topRuleToOrNull(to);
            if (rule != null) {
                return rule;
            }
        }
        return null;
    }

    /** Every rule held, in no particular order (a live view: not to be kept across updates). */
    Collection<Rule> rules() {
        return Collections.unmodifiableCollection(rules.values());
    }

    Rule rule(FlowKey key) {
        return rules.get(key);
    }

    /** The table's index, or {@code null} when the table holds no rule. */
    TableIndex table(int tableId) {
        return tables.get(tableId);
    }

    GroupEntry group(long groupId) {
        return groups.get(groupId);
    }

    Map<Long, GroupEntry> groups() {
        return groups;
    }

    ReachIndex reachIndex() {
        return reachIndex;
    }

    int flowCount() {
        return rules.size();
    }

    int groupCount() {
        return groups.size();
    }

    private static List<Long> referencedGroups(FlowEntry entry) {
        List<Long> ids = new ArrayList<>(1);
        for (Action action : entry.actions()) {
            if (action instanceof Action.Group(long groupId)) {
                ids.add(groupId);
            }
        }
        return ids;
    }
}
