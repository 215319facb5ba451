package org.ovshighway.p2p;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import org.ovshighway.p2p.flow.PortNo;

/**
 * Which rules may send traffic to which port, keyed by the rule's input port, so that "does a rule
 * admitting some port other than X reach Y?" is answered in constant time: a rule blocks X→Y when
 * it may reach Y (or any port) and its in_port is wildcarded or a port other than X.
 *
 * <p>{@link RuleKind#SIMPLE} rules (exact in_port Z, one output to Y; most rules of a table) are
 * counted per (Y, Z), not held: adding or removing one touches Y's entry and, while all of Y's
 * simple rules come from one input port, nothing else. A witness rule for an explanation is then
 * looked up in Z's port buckets ({@code simpleWitness}).
 */
final class ReachIndex {

    /** (in_port Z, destination Y) → a simple rule of Z's buckets outputting to Y; called only when the index counts one. */
    private final BiFunction<PortNo, PortNo, Rule> simpleWitness;

    /** Rules that may reach any port, grouped by exact input port ({@code null} key: wildcard in_port). */
    private final RulesByInPort reachAny = new RulesByInPort();
    /** Per destination port, rules that may reach it, grouped by input port. */
    private final PortTable<RulesByInPort> reachPort = new PortTable<>();

    ReachIndex(BiFunction<PortNo, PortNo, Rule> simpleWitness) {
        this.simpleWitness = Objects.requireNonNull(simpleWitness, "simpleWitness");
    }

    void add(Rule rule) {
        Reach reach = rule.reach;
        if (rule.kind == RuleKind.SIMPLE) {
            requireSimpleReach(rule);
            reachPort.computeIfAbsent(rule.simpleTo, p -> new RulesByInPort()).addSimple(rule.inPort);
            return;
        }
        if (reach.any()) {
            reachAny.add(rule);
            return;
        }
        for (PortNo port : reach.ports()) {
            reachPort.computeIfAbsent(port, p -> new RulesByInPort()).add(rule);
        }
    }

    /** A simple rule's reach is its one output port; the counts rely on it. */
    private static void requireSimpleReach(Rule rule) {
        if (rule.reach.any() || rule.reach.ports().size() != 1 || !rule.reach.ports().contains(rule.simpleTo)) {
            throw new IllegalStateException("simple rule with reach other than its output: reach=" + rule.reach + " rule=" + rule);
        }
    }

    void remove(Rule rule) {
        Reach reach = rule.reach;
        if (rule.kind == RuleKind.SIMPLE) {
            RulesByInPort rules = reachPort.get(rule.simpleTo);
            rules.removeSimple(rule.inPort);
            if (rules.isEmpty()) {
                reachPort.remove(rule.simpleTo);
            }
            return;
        }
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
        if (rules == null) {
            return null;
        }
        rule = rules.admittingOtherThan(from);
        if (rule != null) {
            return rule;
        }
        PortNo other = rules.simpleInPortOtherThan(from);
        return other == null ? null : Objects.requireNonNull(simpleWitness.apply(other, to),
                () -> "reach index counts a simple rule the tables do not hold: in_port=" + other + " to=" + to);
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
        /** Simple rules counted: all of them, and those of {@link #simpleSole} while they all share that input port. */
        private int simpleTotal;
        private PortNo simpleSole;
        private int simpleSoleCount;
        /** Counts per input port once simple rules come from two or more ports (then {@link #simpleSole} is null). */
        private Map<PortNo, int[]> simpleCounts;

        void addSimple(PortNo inPort) {
            simpleTotal++;
            if (simpleCounts != null) {
                simpleCounts.computeIfAbsent(inPort, p -> new int[1])[0]++;
            } else if (simpleSole == null) {
                simpleSole = inPort;
                simpleSoleCount = 1;
            } else if (simpleSole.equals(inPort)) {
                simpleSoleCount++;
            } else {
                simpleCounts = new HashMap<>();
                simpleCounts.put(simpleSole, new int[] {simpleSoleCount});
                simpleCounts.put(inPort, new int[] {1});
                simpleSole = null;
                simpleSoleCount = 0;
            }
        }

        void removeSimple(PortNo inPort) {
            if (simpleCount(inPort) == 0) {
                throw new IllegalStateException("no simple rule counted for input port: in_port=" + inPort);
            }
            simpleTotal--;
            if (simpleCounts == null) {
                if (--simpleSoleCount == 0) {
                    simpleSole = null;
                }
                return;
            }
            int[] count = simpleCounts.get(inPort);
            if (--count[0] == 0) {
                simpleCounts.remove(inPort);
            }
            if (simpleCounts.size() == 1) {
                Map.Entry<PortNo, int[]> last = simpleCounts.entrySet().iterator().next();
                simpleSole = last.getKey();
                simpleSoleCount = last.getValue()[0];
                simpleCounts = null;
            }
        }

        private int simpleCount(PortNo inPort) {
            if (simpleCounts != null) {
                int[] count = simpleCounts.get(inPort);
                return count == null ? 0 : count[0];
            }
            return inPort.equals(simpleSole) ? simpleSoleCount : 0;
        }

        /** An input port other than {@code port} with a simple rule counted, or {@code null}. */
        PortNo simpleInPortOtherThan(PortNo port) {
            if (simpleTotal - simpleCount(port) == 0) {
                return null;
            }
            if (simpleCounts == null) {
                return simpleSole;
            }
            PortNo lowest = null;
            for (PortNo inPort : simpleCounts.keySet()) {
                if (!inPort.equals(port) && (lowest == null || inPort.compareTo(lowest) < 0)) {
                    lowest = inPort;
                }
            }
            return lowest;
        }

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
            return wildcard == null && exactCount == 0 && simpleTotal == 0;
        }

        void clear() {
            wildcard = null;
            exact.clear();
            exactCount = 0;
            simpleTotal = 0;
            simpleSole = null;
            simpleSoleCount = 0;
            simpleCounts = null;
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
