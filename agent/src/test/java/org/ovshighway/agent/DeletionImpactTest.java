package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.ovshighway.p2p.P2pDetector;
import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.FieldId;
import org.ovshighway.p2p.flow.FieldMatch;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.Match;
import org.ovshighway.p2p.flow.PortNo;
import org.ovshighway.proxy.impact.FlowChangeClassifier;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/**
 * A delete's impact against a real {@link P2pDetector} holding the tables of a bridge with a link
 * 1 -> 2 (in_port=1 -> output:2), a drop rule for port 3's traffic to 10.9.9.9 and a table-miss rule
 * in table 1.
 */
class DeletionImpactTest {
    private static final PortNo P1 = new PortNo(1);
    private static final PortNo P2 = new PortNo(2);
    private static final PortNo P3 = new PortNo(3);

    private static P2pDetector tables() {
        P2pDetector detector = DetectorVerdicts.holding(Set.of(P1, P2, P3),
                new FlowEntry(0, 100, 0x5, Match.of(FieldMatch.inPort(P1)), List.of(new Action.Output(P2)), 0, 0, Set.of()),
                new FlowEntry(0, 500, 0x6, Match.of(FieldMatch.inPort(P3), FieldMatch.exact(FieldId.ETH_TYPE, 0x0800, 2),
                        FieldMatch.exact(FieldId.IPV4_DST, 0x0a090909L, 4)), List.of(), 0, 0, Set.of()),
                new FlowEntry(1, 0, 0x7, Match.ANY, List.of(new Action.Output(P3)), 0, 0, Set.of()));
        assertTrue(detector.isPointToPoint(P1, P2), "the link's direction is point-to-point to begin with");
        return detector;
    }

    private static ByteBuf bytes(OFMessage message) {
        ByteBuf buf = Unpooled.buffer();
        message.writeTo(buf);
        return buf;
    }

    private static org.projectfloodlight.openflow.protocol.match.Match toTenNineNineNine(OFFactory f) {
        return f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv4)
                .setExact(MatchField.IPV4_DST, IPv4Address.of("10.9.9.9")).build();
    }

    @Test
    void aDeleteWithoutInPortThatRemovesOnlyAnotherPortsRuleLeavesTheLinkAlone() {
        OFFactory f = OFFactories.getFactory(OFVersion.OF_13);
        ByteBuf delete = bytes(f.buildFlowDelete().setTableId(TableId.ALL).setMatch(toTenNineNineNine(f)).build());
        assertTrue(FlowChangeClassifier.classify(delete).mayAffect(1, 2), "by its match alone it may touch 1 -> 2");
        DirectionTest impact = DeletionImpact.of(delete, DetectorVerdicts.of(tables())).orElseThrow();
        assertFalse(impact.mayAffect(1, 2), impact.toString());
        assertTrue(impact.mayAffect(3, 2), "port 3's traffic loses its drop rule: " + impact);
    }

    @Test
    void aDeleteThatRemovesTheLinksRuleMayAffectIt() {
        OFFactory f = OFFactories.getFactory(OFVersion.OF_13);
        P2pDetector tables = tables();
        DirectionTest byCookie = DeletionImpact.of(bytes(f.buildFlowDelete().setTableId(TableId.ALL)
                .setMatch(f.buildMatch().build()).setCookie(U64.of(0x5)).setCookieMask(U64.of(0xff)).build()),
                DetectorVerdicts.of(tables)).orElseThrow();
        assertTrue(byCookie.mayAffect(1, 2), "removes in_port=1's rule: " + byCookie);
        assertFalse(byCookie.mayAffect(3, 2), byCookie.toString());
        DirectionTest table1 = DeletionImpact.of(bytes(f.buildFlowDelete().setTableId(TableId.of(1))
                .setMatch(f.buildMatch().build()).build()), DetectorVerdicts.of(tables)).orElseThrow();
        assertFalse(table1.mayAffect(1, 2), "port 1's traffic never reaches table 1's table-miss rule");
        DirectionTest table1Blind = DeletionImpact.of(bytes(f.buildFlowDelete().setTableId(TableId.of(1))
                .setMatch(f.buildMatch().build()).build()), DetectorVerdicts.of(tables, false)).orElseThrow();
        assertTrue(table1Blind.mayAffect(1, 2), "without port 1's sole rules, a rule without in_port may see its traffic");
        DirectionTest nothing = DeletionImpact.of(bytes(f.buildFlowDelete().setTableId(TableId.ALL)
                .setMatch(f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.ARP).build()).build()),
                DetectorVerdicts.of(tables)).orElseThrow();
        assertFalse(nothing.mayAffect(1, 2) || nothing.mayAffect(3, 2), "removes nothing: " + nothing);
    }

    @Test
    void withoutKnownTablesEveryDirectionMayBeAffectedAndOnlyDeletesAreJudged() {
        OFFactory f = OFFactories.getFactory(OFVersion.OF_13);
        ByteBuf delete = bytes(f.buildFlowDelete().setTableId(TableId.ALL).setMatch(toTenNineNineNine(f)).build());
        assertTrue(DeletionImpact.of(delete, DetectorVerdicts.of(tables())).orElseThrow().mayAffect(-1, 2),
                "a port without a known number: the tables are not asked");
        assertTrue(DeletionImpact.of(delete, (from, to) -> false).orElseThrow().mayAffect(1, 2),
                "tables not known: every direction may be affected (the controller still applies the classifier)");
        ByteBuf add = bytes(f.buildFlowAdd().setMatch(toTenNineNineNine(f)).build());
        assertEquals(Optional.empty(), DeletionImpact.of(add, DetectorVerdicts.of(tables())), "an ADD");
    }
}
