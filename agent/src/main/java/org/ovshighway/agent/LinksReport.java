package org.ovshighway.agent;

import java.util.List;

/**
 * The text of {@code highway links}: one line per candidate direction, ports by name and
 * OpenFlow number.
 * <pre>
 * pa(11) -> pb(12)  p2p      path=ovs  since=2026-11-22T01:50:00Z
 * pb(12) -> -       not-p2p  path=ovs  since=2026-11-22T01:49:58Z  reason: ...
 * </pre>
 */
final class LinksReport {
    private LinksReport() {
    }

    static String render(PointToPointWatch watch) {
        if (!watch.synced()) {
            return "flow tables not read yet (the agent's OpenFlow connection to the bridge is still dumping them)\n";
        }
        List<DirectionVerdict> verdicts = watch.verdicts();
        StringBuilder text = new StringBuilder();
        for (DirectionVerdict verdict : verdicts) {
            String direction = watch.name(verdict.from()) + " -> " + verdict.to().map(watch::name).orElse("-");
            text.append(String.format("%-28s %-8s path=ovs  since=%s", direction,
                    verdict.pointToPoint() ? "p2p" : "not-p2p", verdict.since()));
            verdict.reason().ifPresent(reason -> text.append("  reason: ").append(reason));
            text.append('\n');
        }
        return text.toString();
    }
}
