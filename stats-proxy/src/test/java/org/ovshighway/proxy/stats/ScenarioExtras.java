package org.ovshighway.proxy.stats;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ovshighway.p2p.flow.FieldId;
import org.ovshighway.p2p.flow.FieldMatch;
import org.ovshighway.p2p.flow.Match;
import org.ovshighway.p2p.flow.PortNo;

/**
 * Injected counters for the {@link StatsScenario} bridge, as the agent would supply them: flows
 * keyed by the model the detector's mirror holds, ports by number. Values are distinct and large so
 * that an addition to the wrong field cannot look right.
 */
final class ScenarioExtras {

    /** in_port=2 → output:1 (table 0, priority 10). */
    static final FlowExtra FROM_2 = new FlowExtra(0, 10, 0, Match.of(FieldMatch.inPort(PortNo.of(2))), Set.of(1L), Set.of(),
            1_000_003, 64_000_011);
    /** cookie 0x5, in_port=1,tcp,nw_dst=10.0.0.0/8,tp_dst=80 → goto_table:1 (table 0, priority 20). */
    static final FlowExtra TCP_FROM_1 = new FlowExtra(0, 20, 0x5, Match.of(FieldMatch.inPort(PortNo.of(1)),
            FieldMatch.exact(FieldId.ETH_TYPE, 0x0800, 2), FieldMatch.exact(FieldId.IP_PROTO, 6, 1),
            FieldMatch.masked(FieldId.IPV4_DST, 0x0a000000L, 0xff000000L, 4), FieldMatch.exact(FieldId.TCP_DST, 80, 2)),
            Set.of(), Set.of(), 20_005, 2_500_013);
    /** ip → output:3 (table 1, priority 5). */
    static final FlowExtra IP_TABLE1 = new FlowExtra(1, 5, 0, Match.of(FieldMatch.exact(FieldId.ETH_TYPE, 0x0800, 2)), Set.of(3L),
            Set.of(), 20_005, 2_500_013);
    /** The last of table 5's many rules (so its entry is in a later multipart message). */
    static final FlowExtra LAST_OF_MANY = manyFlow(StatsScenario.MANY_FLOWS - 1, 300_007, 45_000_017);

    static final Map<Long, PortExtra> PORTS = Map.of(
            1L, new PortExtra(20_005, 2_500_013, 0, 0),
            2L, new PortExtra(1_000_003, 64_000_011, 300_007, 45_000_017),
            3L, new PortExtra(300_007, 45_000_017, 20_005, 2_500_013),
            0xfffffffeL, new PortExtra(11, 1_111, 13, 1_313));

    /**
     * The counters of the scenario's phase: table 5's rules exist only in phase 1, and a supplier
     * lists only flows that exist (an aggregate cannot tell a listed flow is gone).
     */
    static ExtraCounters counters(int phase) {
        List<FlowExtra> flows = phase == 0 ? List.of(FROM_2, TCP_FROM_1, IP_TABLE1) : List.of(FROM_2, TCP_FROM_1, IP_TABLE1, LAST_OF_MANY);
        return new ExtraCounters() {
            @Override
            public PortExtra port(long portNo) {
                return PORTS.getOrDefault(portNo, PortExtra.NONE);
            }

            @Override
            public List<FlowExtra> flows() {
                return flows;
            }
        };
    }

    /** The phase of a captured command: the phase-1 commands come after table 5's rules were added. */
    static int phaseOf(int exchangeIndex, int exchangeCount) {
        return exchangeIndex >= exchangeCount - StatsScenario.commands("OpenFlow13", 1).size() ? 1 : 0;
    }

    private ScenarioExtras() {
    }

    static FlowExtra manyFlow(int i, long packets, long bytes) {
        return new FlowExtra(5, 100, 0x1000 + i, Match.of(FieldMatch.inPort(PortNo.of(3)), FieldMatch.exact(FieldId.ETH_TYPE, 0x0800, 2),
                FieldMatch.exact(FieldId.IP_PROTO, 17, 1), FieldMatch.exact(FieldId.UDP_DST, 1000 + i, 2)), Set.of(2L), Set.of(),
                packets, bytes);
    }

    /** Extra {packets, bytes} the aggregate of {@code match} (ovs-ofctl's argument, "" for all) must show in {@code phase}. */
    static long[] aggregate(String match, int phase) {
        List<FlowExtra> selected = switch (match) {
            case "" -> phase == 0 ? List.of(FROM_2, TCP_FROM_1, IP_TABLE1) : List.of(FROM_2, TCP_FROM_1, IP_TABLE1, LAST_OF_MANY);
            case "table=1" -> List.of(IP_TABLE1);
            case "out_port=1" -> List.of(FROM_2);
            case "cookie=0x5/-1" -> List.of(TCP_FROM_1);
            case "tcp" -> List.of(TCP_FROM_1);
            case "table=5" -> List.of(LAST_OF_MANY);
            default -> throw new IllegalArgumentException("no expectation for aggregate match=" + match);
        };
        return new long[] {selected.stream().mapToLong(FlowExtra::packets).sum(), selected.stream().mapToLong(FlowExtra::bytes).sum()};
    }

    /** Extra {packets, bytes} of the flow ovs-ofctl prints with this table, cookie and priority, or null. */
    static long[] flow(int table, long cookie, int priority) {
        for (FlowExtra f : List.of(FROM_2, TCP_FROM_1, IP_TABLE1, LAST_OF_MANY)) {
            if (f.tableId() == table && f.cookie() == cookie && f.priority() == priority) {
                return new long[] {f.packets(), f.bytes()};
            }
        }
        return null;
    }
}
