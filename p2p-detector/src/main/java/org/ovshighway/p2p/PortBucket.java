package org.ovshighway.p2p;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
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
 * {@link #byDestination}{@code .get(simpleTo)}; in {@link #covering} iff it covers its in_port; and
 * {@link #destinationTops} holds (top priority, destination) for each non-empty destination set.
 */
final class PortBucket {

    /** A destination and the highest priority of a simple rule outputting to it. */
    record DestinationTop(int priority, PortNo to) {
    }

    /** Highest priority first; ties by port so that distinct destinations never compare equal. */
    private static final Comparator<DestinationTop> HIGHEST_FIRST =
            Comparator.comparingInt(DestinationTop::priority).reversed().thenComparing(DestinationTop::to);

    private final RulesByPriority all = new RulesByPriority();
    private final RulesByPriority covering = new RulesByPriority();
    private final RulesByPriority refused = new RulesByPriority();
    private final RulesByPriority complex = new RulesByPriority();
    private final Map<PortNo, RulesByPriority> byDestination = new HashMap<>();
    private final NavigableSet<DestinationTop> destinationTops = new TreeSet<>(HIGHEST_FIRST);

    void add(Rule rule) {
        all.add(rule);
        if (rule.coversInPort) {
            covering.add(rule);
        }
        switch (rule.kind) {
            case REFUSED -> refused.add(rule);
            case COMPLEX -> complex.add(rule);
            case SIMPLE -> {
                RulesByPriority rules = byDestination.computeIfAbsent(rule.simpleTo, p -> new RulesByPriority());
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
        }
        switch (rule.kind) {
            case REFUSED -> refused.remove(rule);
            case COMPLEX -> complex.remove(rule);
            case SIMPLE -> {
                RulesByPriority rules = byDestination.get(rule.simpleTo);
                int before = rules.topPriority();
                rules.remove(rule);
                moveTop(rule.simpleTo, before, rules.topPriority());
                if (rules.isEmpty()) {
                    byDestination.remove(rule.simpleTo);
                }
            }
        }
    }

    private void moveTop(PortNo to, int before, int after) {
        if (before == after) {
            return;
        }
        if (before != RulesByPriority.NONE) {
            destinationTops.remove(new DestinationTop(before, to));
        }
        if (after != RulesByPriority.NONE) {
            destinationTops.add(new DestinationTop(after, to));
        }
    }

    boolean isEmpty() {
        return all.isEmpty();
    }

    RulesByPriority all() {
        return all;
    }

    /** The highest priority of a rule matching all of the port's traffic, or {@link RulesByPriority#NONE}. */
    int coveringPriority() {
        return covering.topPriority();
    }

    /** One highest-priority rule that refuses by itself, or {@code null}. */
    Rule topRefused() {
        return refused.topRule();
    }

    int topComplexPriority() {
        return complex.topPriority();
    }

    /** Destinations by their highest simple rule, highest first (at most the first two are needed). */
    Iterator<DestinationTop> destinationTops() {
        return destinationTops.iterator();
    }

    /** One simple rule outputting to {@code to} at the highest priority any does. */
    Rule topRuleTo(PortNo to) {
        return byDestination.get(to).topRule();
    }
}
