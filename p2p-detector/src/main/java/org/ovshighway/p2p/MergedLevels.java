package org.ovshighway.p2p;

import java.util.ArrayList;
import java.util.List;

/**
 * The priority levels of two buckets of one table (a port's exact bucket and the wildcard
 * bucket) walked as one, highest priority first: each {@link #next} step yields one priority and
 * every rule of either bucket at it. Either bucket may be null (no such rules).
 */
final class MergedLevels {
    private final RulesByPriority first;
    private final RulesByPriority second;
    private final int firstLevels;
    private final int secondLevels;
    private final List<Rule> rules = new ArrayList<>();
    private int i;
    private int j;
    private int priority;

    MergedLevels(RulesByPriority first, RulesByPriority second) {
        this.first = first;
        this.second = second;
        this.firstLevels = first == null ? 0 : first.levelCount();
        this.secondLevels = second == null ? 0 : second.levelCount();
    }

    /** Moves to the next lower priority holding a rule; false when there is none. */
    boolean next() {
        if (i >= firstLevels && j >= secondLevels) {
            return false;
        }
        priority = Math.max(i < firstLevels ? first.priorityAt(i) : -1, j < secondLevels ? second.priorityAt(j) : -1);
        rules.clear();
        if (i < firstLevels && first.priorityAt(i) == priority) {
            rules.addAll(first.rulesAt(i++));
        }
        if (j < secondLevels && second.priorityAt(j) == priority) {
            rules.addAll(second.rulesAt(j++));
        }
        return true;
    }

    /** The current level's priority. */
    int priority() {
        return priority;
    }

    /** The current level's rules (valid until the next step). */
    List<Rule> rules() {
        return rules;
    }
}
