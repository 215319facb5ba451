package org.ovshighway.p2p;

import org.ovshighway.p2p.flow.PortNo;

/**
 * The rules of one table, bucketed by exact input port ({@link PortBucket}, which also keeps the
 * summary that decides a port's traffic without reading its rules one by one), plus one bucket for
 * rules whose in_port is wildcarded or masked. Buckets order rules by descending priority, so the
 * analysis of a port reads only its own bucket and the wildcard bucket, from the top down, and stops early.
 */
final class TableIndex {

    private final PortTable<PortBucket> byInPort = new PortTable<>();
    private final RulesByPriority wildcard = new RulesByPriority();

    void add(Rule rule) {
        if (rule.inPort == null) {
            wildcard.add(rule);
        } else {
            byInPort.computeIfAbsent(rule.inPort, p -> new PortBucket()).add(rule);
        }
    }

    void remove(Rule rule) {
        if (rule.inPort == null) {
            wildcard.remove(rule);
            return;
        }
        PortBucket bucket = byInPort.get(rule.inPort);
        bucket.remove(rule);
        if (bucket.isEmpty()) {
            byInPort.remove(rule.inPort);
        }
    }

    /** The rules with in_port exactly {@code port}, or {@code null} when none. */
    PortBucket portBucket(PortNo port) {
        return byInPort.get(port);
    }

    /** Rules with in_port exactly {@code port}, by descending priority, or {@code null} when none. */
    RulesByPriority exactBucket(PortNo port) {
        PortBucket bucket = byInPort.get(port);
        return bucket == null ? null : bucket.all();
    }

    /** Rules whose in_port is not one exact port, by descending priority. */
    RulesByPriority wildcardBucket() {
        return wildcard;
    }

    boolean isEmpty() {
        return byInPort.isEmpty() && wildcard.isEmpty();
    }
}
