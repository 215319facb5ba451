package org.ovshighway.p2p;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.ovshighway.p2p.flow.FlowKey;

/**
 * A set of rules ordered by descending priority, rules of equal priority in insertion order. Add,
 * remove and the top priority cost O(log n).
 */
final class RulesByPriority {

    /** No rule: lower than every priority a rule can have. */
    static final int NONE = -1;

    private final NavigableMap<Integer, Map<FlowKey, Rule>> levels = new TreeMap<>(Collections.reverseOrder());

    void add(Rule rule) {
        levels.computeIfAbsent(rule.priority(), p -> new LinkedHashMap<>()).put(rule.key, rule);
    }

    void remove(Rule rule) {
        Map<FlowKey, Rule> level = levels.get(rule.priority());
        if (level == null || level.remove(rule.key) == null) {
            throw new IllegalStateException("rule not in its priority set: rule=" + rule);
        }
        if (level.isEmpty()) {
            levels.remove(rule.priority());
        }
    }

    boolean isEmpty() {
        return levels.isEmpty();
    }

    /** The highest priority held, or {@link #NONE}. */
    int topPriority() {
        return levels.isEmpty() ? NONE : levels.firstKey();
    }

    /** One rule of the highest priority, or {@code null} when empty. */
    Rule topRule() {
        return levels.isEmpty() ? null : levels.firstEntry().getValue().values().iterator().next();
    }

    /** Levels by descending priority (a live view). */
    NavigableMap<Integer, Map<FlowKey, Rule>> levels() {
        return levels;
    }
}
