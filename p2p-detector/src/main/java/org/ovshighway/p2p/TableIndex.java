package org.ovshighway.p2p;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.ovshighway.p2p.flow.FlowKey;
import org.ovshighway.p2p.flow.PortNo;

/**
 * The rules of one table, bucketed by exact input port, plus one bucket for rules whose in_port is
 * wildcarded or masked. Each bucket orders rules by descending priority, so the analysis of a port
 * reads only its own bucket and the wildcard bucket, from the top down, and stops early.
 */
final class TableIndex {

    private final Map<PortNo, NavigableMap<Integer, Map<FlowKey, Rule>>> byInPort = new HashMap<>();
    private final NavigableMap<Integer, Map<FlowKey, Rule>> wildcard = new TreeMap<>(Collections.reverseOrder());

    void add(Rule rule) {
        bucketFor(rule.inPort, true).computeIfAbsent(rule.priority(), p -> new LinkedHashMap<>()).put(rule.key, rule);
    }

    void remove(Rule rule) {
        NavigableMap<Integer, Map<FlowKey, Rule>> bucket = bucketFor(rule.inPort, false);
        Map<FlowKey, Rule> level = bucket.get(rule.priority());
        level.remove(rule.key);
        if (level.isEmpty()) {
            bucket.remove(rule.priority());
            if (bucket.isEmpty() && rule.inPort != null) {
                byInPort.remove(rule.inPort);
            }
        }
    }

    /** Rules with in_port exactly {@code port}, by descending priority (empty map when none). */
    NavigableMap<Integer, Map<FlowKey, Rule>> exactBucket(PortNo port) {
        NavigableMap<Integer, Map<FlowKey, Rule>> bucket = byInPort.get(port);
        return bucket == null ? Collections.emptyNavigableMap() : bucket;
    }

    /** Rules whose in_port is not one exact port, by descending priority. */
    NavigableMap<Integer, Map<FlowKey, Rule>> wildcardBucket() {
        return wildcard;
    }

    boolean isEmpty() {
        return byInPort.isEmpty() && wildcard.isEmpty();
    }

    private NavigableMap<Integer, Map<FlowKey, Rule>> bucketFor(PortNo inPort, boolean create) {
        if (inPort == null) {
            return wildcard;
        }
        return create ? byInPort.computeIfAbsent(inPort, p -> new TreeMap<>(Collections.reverseOrder())) : byInPort.get(inPort);
    }
}
