package org.ovshighway.remapper;

import java.util.HashMap;
import java.util.Map;
import org.ovshighway.remapper.BypassCounters.PortCounters;
import org.ovshighway.remapper.BypassCounters.TrafficCounters;

/**
 * The counters of links that ended, per port and per direction, plus the high-water marks of
 * what was reported, so that base + live link counters seen by the controller never go down
 * (a live reading may briefly include a FENCE_OUT that the folded, exact value leaves out).
 *
 * <p>Thread-safe (every method synchronized): the supervisor folds, the proxy reads.
 */
final class PortCounterBase {
    private final Map<String, PortCounters> portBase = new HashMap<>();
    private final Map<String, TrafficCounters> directionBase = new HashMap<>();
    private final Map<String, PortCounters> portReported = new HashMap<>();
    private final Map<String, TrafficCounters> directionReported = new HashMap<>();

    private static String key(String from, String to) {
        return from + "\u0000" + to;
    }

    /** Adds a finished link's final counters of port {@code port}. */
    synchronized void foldPort(String port, PortCounters finalCounters) {
        portBase.merge(port, finalCounters, PortCounters::plus);
    }

    /** Adds a finished link's final counters of direction {@code from} -> {@code to}. */
    synchronized void foldDirection(String from, String to, TrafficCounters finalCounters) {
        directionBase.merge(key(from, to), finalCounters, TrafficCounters::plus);
    }

    /** Base of {@code port} plus {@code live}, never less than anything reported before. */
    synchronized PortCounters port(String port, PortCounters live) {
        PortCounters sum = portBase.getOrDefault(port, PortCounters.ZERO).plus(live);
        PortCounters before = portReported.getOrDefault(port, PortCounters.ZERO);
        PortCounters out = new PortCounters(Math.max(sum.rxPackets(), before.rxPackets()),
                Math.max(sum.rxBytes(), before.rxBytes()), Math.max(sum.txPackets(), before.txPackets()),
                Math.max(sum.txBytes(), before.txBytes()));
        portReported.put(port, out);
        return out;
    }

    /** Base of the direction plus {@code live}, never less than anything reported before. */
    synchronized TrafficCounters direction(String from, String to, TrafficCounters live) {
        String k = key(from, to);
        TrafficCounters sum = directionBase.getOrDefault(k, TrafficCounters.ZERO).plus(live);
        TrafficCounters before = directionReported.getOrDefault(k, TrafficCounters.ZERO);
        TrafficCounters out = new TrafficCounters(Math.max(sum.packets(), before.packets()),
                Math.max(sum.bytes(), before.bytes()));
        directionReported.put(k, out);
        return out;
    }
}
