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
    private final Map<PortNo, RulesByInPort> reachPort = new HashMap<>();

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

    /** Rules (by identity) grouped by exact input port, with a running count of rules that have an exact input port. */
    private static final class RulesByInPort {
        private final Set<Rule> wildcard = new LinkedHashSet<>();
        private final Map<PortNo, Set<Rule>> exact = new HashMap<>();
        private int exactCount;

        void add(Rule rule) {
            if (rule.inPort == null) {
                wildcard.add(rule);
            } else if (exact.computeIfAbsent(rule.inPort, p -> LinkedHashSet.newLinkedHashSet(1)).add(rule)) {
                exactCount++;
            }
        }

        void remove(Rule rule) {
            if (rule.inPort == null) {
                wildcard.remove(rule);
                return;
            }
            Set<Rule> rules = exact.get(rule.inPort);
            if (rules.remove(rule)) {
                exactCount--;
            }
            if (rules.isEmpty()) {
                exact.remove(rule.inPort);
            }
        }

        boolean isEmpty() {
            return wildcard.isEmpty() && exactCount == 0;
        }

        void clear() {
            wildcard.clear();
            exact.clear();
            exactCount = 0;
        }

        /** Constant time: at most one exact group is skipped (the one of {@code port}). */
        Rule admittingOtherThan(PortNo port) {
            if (!wildcard.isEmpty()) {
                return wildcard.iterator().next();
            }
            Set<Rule> own = exact.get(port);
            if (exactCount - (own == null ? 0 : own.size()) == 0) {
                return null;
            }
            for (Map.Entry<PortNo, Set<Rule>> e : exact.entrySet()) {
                if (!e.getKey().equals(port)) {
                    return e.getValue().iterator().next();
                }
            }
            throw new IllegalStateException("exact count out of step with its groups: count=" + exactCount + " port=" + port);
        }
    }
}
