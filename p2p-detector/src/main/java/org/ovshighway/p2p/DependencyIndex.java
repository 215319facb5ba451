package org.ovshighway.p2p;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.ovshighway.p2p.PortAnalysis.Forwards;
import org.ovshighway.p2p.flow.PortNo;

/**
 * Reverse indexes from parts of the tables to the port analyses that read them, so that an event
 * re-analyses only the ports whose outcome it can change: per table, ports by the lowest priority
 * they examined; per group, the ports that used it; per destination, the ports forwarding to it.
 */
final class DependencyIndex {

    private final PortTable<PortAnalysis> analyses = new PortTable<>();
    /** table → lowest examined priority → ports. */
    private final Map<Integer, NavigableMap<Integer, Set<PortNo>>> tableWatchers = new HashMap<>();
    private final Map<Long, Set<PortNo>> groupWatchers = new HashMap<>();
    /** destination → the port forwarding to it (a {@link PortNo}, the usual case) or the ports (a {@code Set<PortNo>} of two or more). */
    private final PortTable<Object> forwardersTo = new PortTable<>();

    PortAnalysis analysis(PortNo port) {
        return analyses.get(port);
    }

    Collection<PortAnalysis> analyses() {
        return analyses.values();
    }

    /** Replaces the port's analysis (if any) with {@code analysis} in every index. */
    void put(PortAnalysis analysis) {
        PortNo port = analysis.port();
        PortAnalysis old = analyses.get(port);
        if (old != null && sameDependencies(old, analysis)) {
            // The indexes hold only stops, groups and the forward target: nothing to move.
            analyses.put(port, analysis);
            return;
        }
        remove(port);
        analyses.put(port, analysis);
        analysis.tableStops().forEach((table, stop) ->
                tableWatchers.computeIfAbsent(table, t -> new TreeMap<>()).computeIfAbsent(stop, s -> new HashSet<>()).add(port));
        for (long group : analysis.groups()) {
            groupWatchers.computeIfAbsent(group, g -> new HashSet<>()).add(port);
        }
        if (analysis.outcome() instanceof Forwards f) {
            Object held = forwardersTo.get(f.to());
            if (held == null) {
                forwardersTo.put(f.to(), port);
            } else if (held instanceof PortNo single) {
                if (!single.equals(port)) {
                    Set<PortNo> several = new HashSet<>();
                    several.add(single);
                    several.add(port);
                    forwardersTo.put(f.to(), several);
                }
            } else {
                portsOf(held).add(port);
            }
        }
    }

    private static boolean sameDependencies(PortAnalysis a, PortAnalysis b) {
        PortNo aTo = a.outcome() instanceof Forwards f ? f.to() : null;
        PortNo bTo = b.outcome() instanceof Forwards f ? f.to() : null;
        return Objects.equals(aTo, bTo) && a.tableStops().equals(b.tableStops()) && a.groups().equals(b.groups());
    }

    void remove(PortNo port) {
        PortAnalysis old = analyses.remove(port);
        if (old == null) {
            return;
        }
        old.tableStops().forEach((table, stop) -> {
            NavigableMap<Integer, Set<PortNo>> byStop = tableWatchers.get(table);
            removeFrom(byStop, stop, port);
            if (byStop.isEmpty()) {
                tableWatchers.remove(table);
            }
        });
        for (long group : old.groups()) {
            removeFrom(groupWatchers, group, port);
        }
        if (old.outcome() instanceof Forwards f) {
            Object held = forwardersTo.get(f.to());
            if (held instanceof PortNo single) {
                if (single.equals(port)) {
                    forwardersTo.remove(f.to());
                }
            } else if (held != null) {
                Set<PortNo> rest = portsOf(held);
                rest.remove(port);
                if (rest.size() == 1) {
                    forwardersTo.put(f.to(), rest.iterator().next());
                }
            }
        }
    }

    void clear() {
        analyses.clear();
        tableWatchers.clear();
        groupWatchers.clear();
        forwardersTo.clear();
    }

    /**
     * Adds to {@code out} the analysed ports whose outcome a change of a rule in {@code table} at
     * {@code priority} with exact input port {@code inPort} ({@code null}: wildcard) may change.
     */
    void collectTableWatchers(int table, int priority, PortNo inPort, Set<PortNo> out) {
        if (inPort != null) {
            PortAnalysis analysis = analyses.get(inPort);
            Integer stop = analysis == null ? null : analysis.tableStops().get(table);
            if (stop != null && stop <= priority) {
                out.add(inPort);
            }
            return;
        }
        NavigableMap<Integer, Set<PortNo>> byStop = tableWatchers.get(table);
        if (byStop != null) {
            for (Set<PortNo> ports : byStop.headMap(priority, true).values()) {
                out.addAll(ports);
            }
        }
    }

    Set<PortNo> groupWatchers(long group) {
        return groupWatchers.getOrDefault(group, Collections.emptySet());
    }

    Set<PortNo> forwardersTo(PortNo to) {
        Object held = forwardersTo.get(to);
        return held == null ? Collections.emptySet() : held instanceof PortNo single ? Set.of(single) : portsOf(held);
    }

    @SuppressWarnings("unchecked")
    private static Set<PortNo> portsOf(Object held) {
        return (Set<PortNo>) held;
    }

    private static <K> void removeFrom(Map<K, Set<PortNo>> map, K key, PortNo port) {
        Set<PortNo> ports = map.get(key);
        ports.remove(port);
        if (ports.isEmpty()) {
            map.remove(key);
        }
    }
}
