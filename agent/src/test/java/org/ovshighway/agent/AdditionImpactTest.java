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
import org.ovshighway.proxy.impact.FlowChangeImpact;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;

/**
 * An ADD's impact against a real {@link P2pDetector} holding a bridge's tables with a link 1 -> 2
 * (priority 1000 in_port=1 -> output:2) and port 3 forwarding to 1.
 */
class AdditionImpactTest {
    private static final PortNo P1 = new PortNo(1);
    private static final PortNo P2 = new PortNo(2);
    private static final PortNo P3 = new PortNo(3);
    private static final OFFactory F = OFFactories.getFactory(OFVersion.OF_10);

    private static BypassController.Verdicts tables() {
        return DetectorVerdicts.oneToTwoAndThreeToOne();
    }

    private static ByteBuf arpRule(int priority, OFAction action) {
        OFMessage add = F.buildFlowAdd().setPriority(priority)
                .setMatch(F.buildMatch().setExact(MatchField.ETH_TYPE, EthType.ARP).build())
                .setActions(List.of(action)).build();
        ByteBuf buf = Unpooled.buffer();
        add.writeTo(buf);
        return buf;
    }

    private static boolean mayAffect(ByteBuf frame, BypassController.Verdicts verdicts, long from, long to) {
        FlowChangeImpact impact = FlowChangeClassifier.classify(frame);
        return AdditionImpact.of(frame, impact, verdicts).orElseThrow().mayAffect(from, to);
    }

    @Test
    void aRuleWithoutInPortBelowTheLinksRuleThatSendsNothingToItsPeerLeavesItAlone() {
        ByteBuf punt = arpRule(500, F.actions().output(OFPort.CONTROLLER, 0xffff));
        assertTrue(FlowChangeClassifier.classify(punt).mayAffect(1, 2), "by ports alone: any source");
        assertFalse(mayAffect(punt, tables(), 1, 2), "loses to the priority 1000 rule for all of port 1's traffic");
        assertTrue(mayAffect(punt, tables(), -1, 2), "a port without a known number: the tables are not asked");
    }

    @Test
    void aRuleThatCanWinForSomeOfTheTrafficOrMayReachThePeerAffectsIt() {
        BypassController.Verdicts tables = tables();
        assertTrue(mayAffect(arpRule(2000, F.actions().output(OFPort.CONTROLLER, 0xffff)), tables, 1, 2),
                "above the link's rule, for its ARP traffic");
        assertTrue(mayAffect(arpRule(1000, F.actions().output(OFPort.CONTROLLER, 0xffff)), tables, 1, 2),
                "a tie with the link's rule");
        assertTrue(mayAffect(arpRule(10, F.actions().output(OFPort.of(2), 0xffff)), tables, 1, 2),
                "other ports' ARP may reach port 2");
        assertTrue(mayAffect(arpRule(10, F.actions().output(OFPort.NORMAL, 0xffff)), tables, 1, 2),
                "NORMAL may reach any port");
        assertFalse(mayAffect(arpRule(10, F.actions().output(OFPort.CONTROLLER, 0xffff)), tables, 3, 1),
                "3 -> 1 is judged by its own sole rule, which the punt loses to");
    }

    @Test
    void anythingButADecodedAddKeepsTheClassifiersJudgement() {
        OFMessage delete = F.buildFlowDelete().setMatch(F.buildMatch().build()).build();
        ByteBuf buf = Unpooled.buffer();
        delete.writeTo(buf);
        assertEquals(Optional.empty(), AdditionImpact.of(buf, FlowChangeClassifier.classify(buf), tables()));
        ByteBuf punt = arpRule(500, F.actions().output(OFPort.CONTROLLER, 0xffff));
        assertEquals(Optional.empty(), AdditionImpact.of(punt, new FlowChangeImpact.Everything("test"), tables()));
        assertTrue(AdditionImpact.of(punt, FlowChangeClassifier.classify(punt), (from, to) -> false).orElseThrow()
                .mayAffect(1, 2), "tables not known: the rule may handle anything");
    }

    /** 1 -> 2 through two tables: table 0 priority 1000 in_port=1 -> goto_table:1, table 1 priority 5 in_port=1 -> output:2. */
    private static BypassController.Verdicts pipeline() {
        P2pDetector detector = DetectorVerdicts.holding(Set.of(P1, P2, P3),
                new FlowEntry(0, 1000, 0, Match.of(FieldMatch.inPort(P1)), List.of(new Action.GotoTable(1)), 0, 0, Set.of()),
                new FlowEntry(1, 5, 0, Match.of(FieldMatch.inPort(P1)), List.of(new Action.Output(P2)), 0, 0, Set.of()),
                new FlowEntry(0, 1000, 0, Match.of(FieldMatch.inPort(P3)), List.of(new Action.Output(P1)), 0, 0, Set.of()));
        assertTrue(detector.isPointToPoint(P1, P2), detector.explain(P1).orElse("?"));
        return DetectorVerdicts.of(detector);
    }

    private static ByteBuf of13(org.projectfloodlight.openflow.protocol.OFFlowAdd add) {
        ByteBuf buf = Unpooled.buffer();
        add.writeTo(buf);
        return buf;
    }

    @Test
    void aControllerReinstallingTheRulesALinkTakesUnchangedLeavesItAlone() {
        OFFactory f = OFFactories.getFactory(OFVersion.OF_13);
        org.projectfloodlight.openflow.protocol.match.Match inPort1 =
                f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(1)).build();
        ByteBuf gotoAgain = of13(f.buildFlowAdd().setTableId(TableId.of(0)).setPriority(1000).setMatch(inPort1)
                .setInstructions(List.of(f.instructions().gotoTable(TableId.of(1)))).build());
        assertTrue(FlowChangeClassifier.classify(gotoAgain).mayAffect(1, 2), "by ports: a goto_table for port 1's traffic");
        assertFalse(mayAffect(gotoAgain, pipeline(), 1, 2), "the same rule again: the switch replaces it with itself");
        assertTrue(mayAffect(of13(f.buildFlowAdd().setTableId(TableId.of(0)).setPriority(1000).setMatch(inPort1)
                .setInstructions(List.of(f.instructions().gotoTable(TableId.of(2)))).build()), pipeline(), 1, 2),
                "other actions under the same key");
        assertTrue(mayAffect(of13(f.buildFlowAdd().setTableId(TableId.of(0)).setPriority(1000).setMatch(inPort1)
                .setIdleTimeout(10).setInstructions(List.of(f.instructions().gotoTable(TableId.of(1)))).build()),
                pipeline(), 1, 2), "an idle timeout now");
        assertTrue(mayAffect(of13(f.buildFlowAdd().setTableId(TableId.of(0)).setPriority(1001).setMatch(inPort1)
                .setInstructions(List.of(f.instructions().gotoTable(TableId.of(1)))).build()), pipeline(), 1, 2),
                "another priority: a new rule above the link's");
        ByteBuf of10Again = arpRule(1000, F.actions().output(OFPort.CONTROLLER, 0xffff));
        assertTrue(mayAffect(of10Again, pipeline(), 1, 2), "not a rule the link takes");
    }

    /**
     * 1 -> 2 where port 1's traffic takes one of several rules in table 0 (ip, arp, the rest), each
     * going to table 1, whose rule outputs to 2: no sole rule per table.
     */
    private static BypassController.Verdicts severalRulesPerTable() {
        P2pDetector detector = DetectorVerdicts.holding(Set.of(P1, P2, P3),
                new FlowEntry(0, 1000, 0, Match.of(FieldMatch.inPort(P1), FieldMatch.exact(FieldId.ETH_TYPE, 0x0800, 2)),
                        List.of(new Action.GotoTable(1)), 0, 0, Set.of()),
                new FlowEntry(0, 1000, 0, Match.of(FieldMatch.inPort(P1), FieldMatch.exact(FieldId.ETH_TYPE, 0x0806, 2)),
                        List.of(new Action.GotoTable(1)), 0, 0, Set.of()),
                new FlowEntry(0, 10, 0, Match.of(FieldMatch.inPort(P1)), List.of(new Action.GotoTable(1)), 0, 0, Set.of()),
                new FlowEntry(1, 5, 0, Match.of(FieldMatch.inPort(P1)), List.of(new Action.Output(P2)), 0, 0, Set.of()));
        assertTrue(detector.isPointToPoint(P1, P2), detector.explain(P1).orElse("?"));
        assertTrue(detector.soleFlows(P1).isEmpty(), "several rules take port 1's traffic in table 0");
        return DetectorVerdicts.of(detector);
    }

    @Test
    void aReinstallOfAnyRuleTheTablesHoldUnchangedIsRecognisedWhereNoSoleRuleIs() {
        OFFactory f = OFFactories.getFactory(OFVersion.OF_13);
        org.projectfloodlight.openflow.protocol.match.Match arpOn1 = f.buildMatch()
                .setExact(MatchField.IN_PORT, OFPort.of(1)).setExact(MatchField.ETH_TYPE, EthType.ARP).build();
        ByteBuf again = of13(f.buildFlowAdd().setTableId(TableId.of(0)).setPriority(1000).setMatch(arpOn1)
                .setInstructions(List.of(f.instructions().gotoTable(TableId.of(1)))).build());
        BypassController.Verdicts tables = severalRulesPerTable();
        assertTrue(mayAffect(again, tables, 1, 2), "not a sole rule: the direction's test still says it may");
        assertTrue(AdditionImpact.reinstallsAMirroredRule(again, tables), "but the tables hold it exactly so");
        assertFalse(AdditionImpact.reinstallsAMirroredRule(of13(f.buildFlowAdd().setTableId(TableId.of(0))
                .setPriority(1000).setMatch(arpOn1).setInstructions(List.of(f.instructions().gotoTable(TableId.of(2))))
                .build()), tables), "other actions under the same key");
        assertFalse(AdditionImpact.reinstallsAMirroredRule(of13(f.buildFlowAdd().setTableId(TableId.of(0))
                .setPriority(1000).setMatch(arpOn1).setHardTimeout(30)
                .setInstructions(List.of(f.instructions().gotoTable(TableId.of(1)))).build()), tables), "a hard timeout now");
        assertFalse(AdditionImpact.reinstallsAMirroredRule(of13(f.buildFlowAdd().setTableId(TableId.of(1))
                .setPriority(1000).setMatch(arpOn1).setInstructions(List.of(f.instructions().gotoTable(TableId.of(2))))
                .build()), tables), "another table");
        ByteBuf delete = Unpooled.buffer();
        f.buildFlowDelete().setTableId(TableId.of(0)).setMatch(arpOn1).build().writeTo(delete);
        assertFalse(AdditionImpact.reinstallsAMirroredRule(delete, tables), "not an ADD");
    }
}
