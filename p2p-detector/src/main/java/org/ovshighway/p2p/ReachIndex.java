package org.ovshighway.p2p;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.ovshighway.p2p.flow.PortNo;

/**
 * Which rules may send traffic to which port, keyed by the rule's input port, so that "does a rule
 * admitting some port other than X reach Y?" is answered in constant time: a rule blocks X→Y when
 * it may reach Y (or any port) and its in_port is wildcarded or a port other than X.
 */
final class ReachIndex {

    /** Rules that may reach any port, grouped by exact input port ({@code null} key: wildcard in_port). */
    private final RulesByInPort reachAny = new RulesByInPort();
    /** Per destination port, rules that may reach it, grouped by input port. */
    private final PortTable<RulesByInPort> reachPort = new PortTable<>();

    void add(Rule rule) {
        Reach reach = rule.reach;
        if (reach.any()) {
            reachAny.add(rule);
            return;
        }
        for (PortNo port : reach.ports()) {
            reachPort.computeIfAbsent(port, p -> new RulesByInPort()).add(rule);
        }
    }

    void remove(Rule rule) {
        Reach reach = rule.reach;
        if (reach.any()) {
            reachAny.remove(rule);
            return;
        }
        for (PortNo port : reach.ports()) {
            RulesByInPort rules = reachPort.get(port);
            rules.remove(rule);
            if (rules.isEmpty()) {
                reachPort.remove(port);
            }
        }
    }

    void clear() {
        reachAny.clear();
        reachPort.clear();
    }

    /** A rule that may send traffic from a port other than {@code from} to {@code to}, or {@code null}. */
    Rule blocker(PortNo from, PortNo to) {
        Rule rule = reachAny.admittingOtherThan(from);
        if (rule != null) {
            return rule;
        }
        RulesByInPort rules = reachPort.get(to);
        return rules == null ? null : rules.admittingOtherThan(from);
    }

    /**
     * Rules (by identity) grouped by exact input port, with a running count of rules that have an
     * exact input port. An input port with one rule maps to the rule itself, with several to a
     * {@link LinkedHashSet}; the wildcard set exists only while it holds a rule. Fewer objects per
     * lookup: {@link #blocker} runs on every decision.
     */
    private static final class RulesByInPort {
        private Set<Rule> wildcard;
        private final Map<PortNo, Object> exact = new HashMap<>();
        private int exactCount;

        void add(Rule rule) {
            if (rule.inPort == null) {
                if (wildcard == null) {
                    wildcard = new LinkedHashSet<>();
                }
                wildcard.add(rule);
                return;
            }
            Object held = exact.putIfAbsent(rule.inPort, rule);
            if (held == null) {
                exactCount++;
            } else if (held instanceof Rule single) {
                if (single != rule) {
                    Set<Rule> several = LinkedHashSet.newLinkedHashSet(2);
                    several.add(single);
                    several.add(rule);
                    exact.put(rule.inPort, several);
                    exactCount++;
                }
            } else if (rulesOf(held).add(rule)) {
                exactCount++;
            }
        }

        void remove(Rule rule) {
            if (rule.inPort == null) {
                if (wildcard != null && wildcard.remove(rule) && wildcard.isEmpty()) {
                    wildcard = null;
                }
                return;
            }
            Object held = exact.get(rule.inPort);
            if (held == rule) {
                exact.remove(rule.inPort);
                exactCount--;
            } else if (held instanceof Set<?> && rulesOf(held).remove(rule)) {
                exactCount--;
                Set<Rule> rest = rulesOf(held);
                if (rest.size() == 1) {
                    exact.put(rule.inPort, rest.iterator().next());
                }
            }
        }

        boolean isEmpty() {
            return wildcard == null && exactCount == 0;
        }

        void clear() {
            wildcard = null;
            exact.clear();
            exactCount = 0;
        }

        /** Constant time: at most one exact group is skipped (the one of {@code port}). */
        Rule admittingOtherThan(PortNo port) {
            if (wildcard != null) {
                return wildcard.iterator().next();
            }
            if (exactCount == 0) {
                return null;
            }
            Object own = exact.get(port);
            int ownCount = own == null ? 0 : own instanceof Rule ? 1 : rulesOf(own).size();
            if (exactCount - ownCount == 0) {
                return null;
            }
            for (Map.Entry<PortNo, Object> e : exact.entrySet()) {
                if (!e.getKey().equals(port)) {
                    Object held = e.getValue();
                    return held instanceof Rule single ? single : rulesOf(held).iterator().next();
                }
            }
            throw new IllegalStateException("exact count out of step with its groups: count=" + exactCount + " port=" + port);
        }

        @SuppressWarnings("unchecked")
        private static Set<Rule> rulesOf(Object held) {
            return (Set<Rule>) held;
        }
    }
}
