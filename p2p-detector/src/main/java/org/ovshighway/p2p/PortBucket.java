package org.ovshighway.p2p;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.ovshighway.p2p.flow.PortNo;

/**
 * The rules of one table whose in_port is exactly one port X, with a summary kept up to date on
 * every add and remove in O(log n). For traffic {@code in_port=X} every one of these rules
 * overlaps (it shares the in_port and X's traffic is not otherwise constrained), and a rule covers
 * it exactly when its match is {@code in_port=X} alone; so "are all rules at or above the covering
 * priority single outputs to one port?" is answered from the summary without reading the rules:
 * the highest covering rule, the highest refused rule, the highest complex rule and the two
 * destinations whose highest simple rule is highest.
 *
 * <p>Invariant: every rule is in {@link #all}; in exactly one of {@link #refused}, {@link #complex},
 * {@code rulesTo(simpleTo)}; in {@link #covering} iff it covers its in_port;
 * {@link #destinationTops} holds (top priority, destination) for each non-empty destination set;
 * and the {@code *Top} fields equal the top priorities of their sets.
 *
 * <p>The analysis of a port reads only this object's fields and the first words of
 * {@link #destinationTops} (the summary is copied into primitive fields on every change), so that
 * an event touches few cache lines however many rules the port has.
 */
final class PortBucket {

    private static final long[] NO_TOPS = {};

    private final RulesByPriority all = new RulesByPriority();
    private final RulesByPriority covering = new RulesByPriority();
    private final RulesByPriority refused = new RulesByPriority();
    private final RulesByPriority complex = new RulesByPriority();
    /**
     * While the bucket's simple rules all output to one port (the usual case for a ring port),
     * that port and its rules, and {@link #byDestination} is null; from the second destination on,
     * every destination's rules are in {@link #byDestination} and these are null.
     */
    private PortNo soleTo;
    private RulesByPriority soleRules;
    private Map<PortNo, RulesByPriority> byDestination;
    /** {@link #topKey} of each destination's highest simple rule, in {@code [0, destinationCount)}, descending. */
    private long[] destinationTops = NO_TOPS;
    private int destinationCount;
    private int coveringTop = RulesByPriority.NONE;
    private int refusedTop = RulesByPriority.NONE;
    private int complexTop = RulesByPriority.NONE;

    void add(Rule rule) {
        all.add(rule);
        if (rule.coversInPort) {
            covering.add(rule);
            coveringTop = covering.topPriority();
        }
        switch (rule.kind) {
            case REFUSED -> {
                refused.add(rule);
                refusedTop = refused.topPriority();
            }
            case COMPLEX -> {
                complex.add(rule);
                complexTop = complex.topPriority();
            }
            case SIMPLE -> {
                RulesByPriority rules = rulesToOrNew(rule.simpleTo);
                int before = rules.topPriority();
                rules.add(rule);
                moveTop(rule.simpleTo, before, rules.topPriority());
            }
        }
    }

    void remove(Rule rule) {
        all.remove(rule);
        if (rule.coversInPort) {
            covering.remove(rule);
            coveringTop = covering.topPriority();
        }
        switch (rule.kind) {
            case REFUSED -> {
                refused.remove(rule);
                refusedTop = refused.topPriority();
            }
            case COMPLEX -> {
                complex.remove(rule);
                complexTop = complex.topPriority();
            }
            case SIMPLE -> {
                RulesByPriority rules = rulesTo(rule.simpleTo);
                int before = rules.topPriority();
                rules.remove(rule);
                moveTop(rule.simpleTo, before, rules.topPriority());
                if (rules.isEmpty()) {
                    dropDestination(rule.simpleTo);
                }
            }
        }
    }

    /** The simple rules outputting to {@code to}, or {@code null} when none. */
    private RulesByPriority rulesTo(PortNo to) {
        if (byDestination != null) {
            return byDestination.get(to);
        }
        return to.equals(soleTo) ? soleRules : null;
    }

    private RulesByPriority rulesToOrNew(PortNo to) {
        if (byDestination != null) {
            return byDestination.computeIfAbsent(to, p -> new RulesByPriority());
        }
        if (soleTo == null) {
            soleTo = to;
            soleRules = new RulesByPriority();
            return soleRules;
        }
        if (soleTo.equals(to)) {
            return soleRules;
        }
        byDestination = new HashMap<>();
        byDestination.put(soleTo, soleRules);
        soleTo = null;
        soleRules = null;
        return byDestination.computeIfAbsent(to, p -> new RulesByPriority());
    }

    /** Forgets {@code to}, whose rules are gone; back to the one-destination form when one is left. */
    private void dropDestination(PortNo to) {
        if (byDestination == null) {
            soleTo = null;
            soleRules = null;
            return;
        }
        byDestination.remove(to);
        if (byDestination.size() == 1) {
            Map.Entry<PortNo, RulesByPriority> last = byDestination.entrySet().iterator().next();
            soleTo = last.getKey();
            soleRules = last.getValue();
            byDestination = null;
        }
    }

    /**
     * Orders destinations by their top priority, highest first, ties by ascending port number
     * (so that distinct destinations never share a key).
     */
    private static long topKey(int priority, PortNo to) {
        return ((long) priority << 32) | (0xffffffffL - to.number());
    }

    private void moveTop(PortNo to, int before, int after) {
        if (before == after) {
            return;
        }
        if (before != RulesByPriority.NONE) {
            int i = findTop(topKey(before, to));
            if (i < 0) {
                throw new IllegalStateException("destination top missing: to=" + to + " priority=" + before);
            }
            destinationCount--;
            System.arraycopy(destinationTops, i + 1, destinationTops, i, destinationCount - i);
        }
        if (after != RulesByPriority.NONE) {
            long key = topKey(after, to);
            int at = -findTop(key) - 1;
            if (destinationCount == destinationTops.length) {
                destinationTops = Arrays.copyOf(destinationTops, Math.max(2, destinationCount + (destinationCount >> 1)));
            }
            System.arraycopy(destinationTops, at, destinationTops, at + 1, destinationCount - at);
            destinationTops[at] = key;
            destinationCount++;
        }
    }

    /** Index of {@code key} in the descending {@link #destinationTops}, or {@code -(insertion point) - 1}. */
    private int findTop(long key) {
        int low = 0;
        int high = destinationCount - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            long k = destinationTops[mid];
            if (k > key) {
                low = mid + 1;
            } else if (k < key) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -low - 1;
    }

    boolean isEmpty() {
        return all.isEmpty();
    }

    RulesByPriority all() {
        return all;
    }

    /** The highest priority of a rule matching all of the port's traffic, or {@link RulesByPriority#NONE}. */
    int coveringPriority() {
        return coveringTop;
    }

    /** The highest priority of a rule that refuses by itself, or {@link RulesByPriority#NONE}. */
    int topRefusedPriority() {
        return refusedTop;
    }

    /** One highest-priority rule that refuses by itself, or {@code null}. */
    Rule topRefused() {
        return refused.topRule();
    }

    int topComplexPriority() {
        return complexTop;
    }

    /** Number of destinations of simple rules. */
    int destinationCount() {
        return destinationCount;
    }

    /** The highest priority of a simple rule to the {@code i}-th destination, destinations ordered by it, highest first. */
    int destinationPriority(int i) {
        return (int) (destinationTops[i] >>> 32);
    }

    /** The {@code i}-th destination in the order of {@link #destinationPriority}. */
    PortNo destination(int i) {
        return PortNo.of(0xffffffffL - (destinationTops[i] & 0xffffffffL));
    }

    /** Like {@link #topRuleTo}, {@code null} when no simple rule outputs to {@code to}. */
    Rule topRuleToOrNull(PortNo to) {
        RulesByPriority rules = rulesTo(to);
        return rules == null ? null : rules.topRule();
    }

    /** One simple rule outputting to {@code to} at the highest priority any does. */
    Rule topRuleTo(PortNo to) {
        return rulesTo(to).topRule();
    }
}
