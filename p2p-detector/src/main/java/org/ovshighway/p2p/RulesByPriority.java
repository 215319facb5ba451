package org.ovshighway.p2p;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A set of rules ordered by descending priority, rules of equal priority in insertion order. Rules
 * are held by identity (the mirror holds one {@link Rule} per flow key), so no match is hashed here.
 *
 * <p>Laid out for the CPU cache rather than as a tree: the distinct priorities sit in one sorted
 * {@code int[]} and their rules in a parallel array, a level of one rule holding the rule itself
 * (the common case) and a level of several a {@link LinkedHashSet}. The top priority and rule cost
 * two array reads; add and remove a binary search over the priorities, plus, when a priority level
 * appears or disappears, moving the levels below it by one slot. Priorities are 16-bit, so a
 * set has at most 65,536 levels and that move at most 256 KiB; tables with a few priority levels
 * per port, the usual shape, move a few words.
 */
final class RulesByPriority {

    /** No rule: lower than every priority a rule can have. */
    static final int NONE = -1;

    private static final int[] NO_PRIORITIES = {};
    private static final Object[] NO_LEVELS = {};

    /** Distinct priorities in {@code [0, levelCount)}, strictly descending. */
    private int[] priorities = NO_PRIORITIES;
    /** {@code levels[i]}: the rules of {@code priorities[i]}, a {@link Rule} or a {@code Set<Rule>} of two or more. */
    private Object[] levels = NO_LEVELS;
    private int levelCount;

    void add(Rule rule) {
        int priority = rule.priority();
        int i = find(priority);
        if (i >= 0) {
            Object level = levels[i];
            if (level == rule) {
                return;
            }
            if (level instanceof Rule single) {
                Set<Rule> several = LinkedHashSet.newLinkedHashSet(2);
                several.add(single);
                several.add(rule);
                levels[i] = several;
            } else {
                rulesOf(level).add(rule);
            }
            return;
        }
        int at = -i - 1;
        if (levelCount == priorities.length) {
            int capacity = Math.max(2, levelCount + (levelCount >> 1));
            priorities = Arrays.copyOf(priorities, capacity);
            levels = Arrays.copyOf(levels, capacity);
        }
        System.arraycopy(priorities, at, priorities, at + 1, levelCount - at);
        System.arraycopy(levels, at, levels, at + 1, levelCount - at);
        priorities[at] = priority;
        levels[at] = rule;
        levelCount++;
    }

    void remove(Rule rule) {
        int i = find(rule.priority());
        Object level = i < 0 ? null : levels[i];
        if (level == rule) {
            removeLevel(i);
            return;
        }
        if (!(level instanceof Set<?>) || !rulesOf(level).remove(rule)) {
            throw new IllegalStateException("rule not in its priority set: rule=" + rule);
        }
        Set<Rule> rest = rulesOf(level);
        if (rest.size() == 1) {
            levels[i] = rest.iterator().next();
        }
    }

    private void removeLevel(int i) {
        levelCount--;
        System.arraycopy(priorities, i + 1, priorities, i, levelCount - i);
        System.arraycopy(levels, i + 1, levels, i, levelCount - i);
        levels[levelCount] = null;
    }

    /** Index of {@code priority} in {@link #priorities}, or {@code -(insertion point) - 1}. */
    private int find(int priority) {
        int low = 0;
        int high = levelCount - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int p = priorities[mid];
            if (p > priority) {
                low = mid + 1;
            } else if (p < priority) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -low - 1;
    }

    @SuppressWarnings("unchecked")
    private static Set<Rule> rulesOf(Object level) {
        return (Set<Rule>) level;
    }

    boolean isEmpty() {
        return levelCount == 0;
    }

    /** The highest priority held, or {@link #NONE}. */
    int topPriority() {
        return levelCount == 0 ? NONE : priorities[0];
    }

    /** One rule of the highest priority (the first added of them), or {@code null} when empty. */
    Rule topRule() {
        return levelCount == 0 ? null : firstOf(levels[0]);
    }

    /** Number of distinct priorities held. */
    int levelCount() {
        return levelCount;
    }

    /** The priority of level {@code i}, levels numbered from the highest priority, 0 up to {@link #levelCount()}. */
    int priorityAt(int i) {
        return priorities[i];
    }

    /** The rules of level {@code i} in insertion order (a live view when several). */
    Collection<Rule> rulesAt(int i) {
        Object level = levels[i];
        return level instanceof Rule single ? List.of(single) : rulesOf(level);
    }

    private static Rule firstOf(Object level) {
        return level instanceof Rule single ? single : rulesOf(level).iterator().next();
    }
}
