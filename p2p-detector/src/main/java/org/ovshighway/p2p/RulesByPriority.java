package org.ovshighway.p2p;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * A set of rules ordered by descending priority, rules of equal priority in insertion order. Add,
 * remove and the top priority cost O(log n). Rules are held by identity (the mirror holds one
 * {@link Rule} per flow key), so no match is hashed here.
 */
final class RulesByPriority {

    /** No rule: lower than every priority a rule can have. */
    static final int NONE = -1;

    private final NavigableMap<Integer, Set<Rule>> levels = new TreeMap<>(Collections.reverseOrder());

    void add(Rule rule) {
        levels.computeIfAbsent(rule.priority(), p -> LinkedHashSet.newLinkedHashSet(1)).add(rule);
    }

    void remove(Rule rule) {
        Set<Rule> level = levels.get(rule.priority());
        if (level == null || !level.remove(rule)) {
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
        return levels.isEmpty() ? null : levels.firstEntry().getValue().iterator().next();
    }

    /** Levels by descending priority (a live view). */
    NavigableMap<Integer, Set<Rule>> levels() {
        return levels;
    }
}
