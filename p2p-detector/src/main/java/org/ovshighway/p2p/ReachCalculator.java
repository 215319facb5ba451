package org.ovshighway.p2p;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.Bucket;
import org.ovshighway.p2p.flow.GroupEntry;
import org.ovshighway.p2p.flow.PortNo;

/**
 * Over-approximates the ports a rule may output to. Conservative by construction: whatever this
 * class does not understand reaches {@link Reach#ANY}.
 */
final class ReachCalculator {

    private ReachCalculator() {
    }

    /**
     * @param inPort the rule's exact input port, {@code null} when wildcarded (then output:IN_PORT may reach any port)
     */
    static Reach reach(List<Action> actions, PortNo inPort, Map<Long, GroupEntry> groups) {
        Set<PortNo> ports = new HashSet<>();
        if (addActions(actions, inPort, groups, ports, true)) {
            return Reach.ANY;
        }
        return ports.isEmpty() ? Reach.NONE : new Reach(false, ports);
    }

    /** Adds what {@code actions} may reach to {@code ports}; returns true as soon as the answer is "any port". */
    private static boolean addActions(List<Action> actions, PortNo inPort, Map<Long, GroupEntry> groups,
                                      Set<PortNo> ports, boolean groupsAllowed) {
        for (Action action : actions) {
            boolean any = switch (action) {
                case Action.Output(PortNo port) -> addOutput(port, inPort, ports);
                case Action.Group(long groupId) -> {
                    GroupEntry group = groups.get(groupId);
                    // A missing group, or a group chained from a bucket, is not followed: any port.
                    if (!groupsAllowed || group == null) {
                        yield true;
                    }
                    boolean anyInBuckets = false;
                    for (Bucket bucket : group.buckets()) {
                        if (addActions(bucket.actions(), inPort, groups, ports, false)) {
                            anyInBuckets = true;
                            break;
                        }
                    }
                    yield anyInBuckets;
                }
                case Action.Other other -> true;
                case Action.GotoTable g -> false;
                case Action.SetField s -> false;
                case Action.HeaderRewrite h -> false;
                case Action.SetQueue q -> false;
                case Action.Meter m -> false;
            };
            if (any) {
                return true;
            }
        }
        return false;
    }

    private static boolean addOutput(PortNo port, PortNo inPort, Set<PortNo> ports) {
        if (!port.isReserved()) {
            ports.add(port);
            return false;
        }
        if (port.equals(PortNo.CONTROLLER) || port.equals(PortNo.LOCAL)) {
            return false;
        }
        if (port.equals(PortNo.IN_PORT) && inPort != null) {
            ports.add(inPort);
            return false;
        }
        // FLOOD, ALL, NORMAL, TABLE, ANY, IN_PORT of a wildcard rule, anything else reserved.
        return true;
    }
}
