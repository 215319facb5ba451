package org.ovshighway.agent;

import java.util.List;

import org.ovshighway.remapper.BypassCounters;

/**
 * The text of {@code highway links}: one line per candidate port X, ports by name and OpenFlow
 * number, where X's traffic goes now and, for a link, what it carried.
 * <pre>
 * pa(11) -> pb(12)   p2p      path=link(1763776000000001,ACTIVE)  link_packets=1200  link_bytes=76800  since=...
 * pb(12) -> -        not-p2p  path=ovs  standby=link(1763776000000002)  since=...  reason: ...
 * </pre>
 * {@code standby=link(ID)}: a standby link for this direction is mapped by both guests, carrying
 * nothing until the direction is point-to-point again (agent option {@code link-standby}).
 * {@code link_packets}/{@code link_bytes} count every frame of that direction that ever went on
 * a link (ended links included): what OVS did not see.
 */
final class LinksReport {
    private LinksReport() {
    }

    /** {@code bypass} and {@code counters} are null when the agent runs with bypass=false. */
    static String render(PointToPointWatch watch, BypassController bypass, BypassCounters counters) {
        if (!watch.synced()) {
            return "flow tables not read yet (the agent's OpenFlow connection to the bridge is still dumping them)\n";
        }
        List<DirectionVerdict> verdicts = watch.verdicts();
        StringBuilder text = new StringBuilder();
        for (DirectionVerdict verdict : verdicts) {
            String from = watch.candidateName(verdict.from());
            String to = verdict.to().map(watch::candidateName).orElse(null);
            String direction = watch.name(verdict.from()) + " -> " + verdict.to().map(watch::name).orElse("-");
            String path = "ovs";
            String problem = "";
            String linkPeer = null;
            String standby = "";
            if (bypass != null) {
                // where from's traffic goes now, whatever the verdict says (a revert may be under way)
                for (BypassController.PairView view : bypass.snapshot()) {
                    if ((view.a().equals(from) && view.shape().aToB()) || (view.b().equals(from) && view.shape().bToA())) {
                        path = view.linkId() == 0 ? "link(" + view.state() + ")"
                                : "link(" + view.linkId() + "," + view.state() + ")";
                        linkPeer = view.a().equals(from) ? view.b() : view.a();
                    }
                    if (view.standbyLinkId() != 0 && ((view.a().equals(from) && view.standbyShape().aToB())
                            || (view.b().equals(from) && view.standbyShape().bToA()))) {
                        standby = "  standby=link(" + view.standbyLinkId() + ")";
                    }
                    boolean involved = view.a().equals(from) || view.b().equals(from);
                    if (involved && (to == null || view.a().equals(to) || view.b().equals(to))
                            && !view.lastProblem().isEmpty()) {
                        problem = "  problem: " + view.lastProblem();
                    }
                }
            }
            text.append(String.format("%-28s %-8s path=%s", direction, verdict.pointToPoint() ? "p2p" : "not-p2p", path));
            text.append(standby);
            String peer = to != null ? to : linkPeer;
            if (counters != null && peer != null) {
                BypassCounters.TrafficCounters carried = counters.direction(from, peer);
                text.append("  link_packets=").append(carried.packets()).append("  link_bytes=").append(carried.bytes());
            }
            text.append("  since=").append(verdict.since());
            verdict.reason().ifPresent(reason -> text.append("  reason: ").append(reason));
            text.append(problem).append('\n');
        }
        return text.toString();
    }
}
