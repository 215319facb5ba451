package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.ovshighway.p2p.P2pDetector;
import org.ovshighway.proxy.impact.FlowChangeClassifier;
import org.ovshighway.proxy.impact.FlowChangeImpact;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * A MODIFY's impact against a real {@link P2pDetector} holding a bridge's tables with a link 1 -> 2
 * (priority 1000 in_port=1 -> output:2) and port 3 forwarding to 1 (priority 1000 in_port=3 -> output:1).
 */
class ModificationImpactTest {
    private static final OFFactory F = OFFactories.getFactory(OFVersion.OF_10);

    private static BypassController.Verdicts tables() {
        return DetectorVerdicts.oneToTwoAndThreeToOne();
    }

    private static ByteBuf frame(OFFlowMod flowMod) {
        ByteBuf buf = Unpooled.buffer();
        flowMod.writeTo(buf);
        return buf;
    }

    private static ByteBuf modifyArp(int priority, OFAction action) {
        return frame(F.buildFlowModify().setPriority(priority)
                .setMatch(F.buildMatch().setExact(MatchField.ETH_TYPE, EthType.ARP).build())
                .setActions(List.of(action)).build());
    }

    private static boolean mayAffect(ByteBuf frame, long from, long to) {
        FlowChangeImpact impact = FlowChangeClassifier.classify(frame);
        return ModificationImpact.of(frame, impact, tables()).orElseThrow().mayAffect(from, to);
    }

    @Test
    void aModifyWithoutInPortThatChangesNoRuleOfTheLinkAndAddsOnlyBelowItLeavesItAlone() {
        ByteBuf punt = modifyArp(500, F.actions().output(OFPort.CONTROLLER, 0xffff));
        assertTrue(FlowChangeClassifier.classify(punt).mayAffect(1, 2), "by ports alone: any source");
        assertFalse(mayAffect(punt, 1, 2), "arp covers no rule of port 1's, and added at 500 it loses to 1000");
        assertTrue(mayAffect(punt, -1, 2), "a port without a known number: the tables are not asked");
    }

    @Test
    void aModifyThatChangesTheLinksRuleOrMayWinOrMayReachThePeerAffectsIt() {
        assertTrue(mayAffect(frame(F.buildFlowModify().setMatch(F.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(1))
                .build()).setActions(List.of(F.actions().output(OFPort.CONTROLLER, 0xffff))).build()), 1, 2),
                "in_port=1 selects the link's rule");
        assertFalse(mayAffect(frame(F.buildFlowModifyStrict().setPriority(999).setMatch(F.buildMatch()
                .setExact(MatchField.IN_PORT, OFPort.of(1)).build())
                .setActions(List.of(F.actions().output(OFPort.CONTROLLER, 0xffff))).build()), 1, 2),
                "strict at 999: not the link's rule, and added it loses to it");
        assertTrue(mayAffect(modifyArp(2000, F.actions().output(OFPort.CONTROLLER, 0xffff)), 1, 2),
                "added above the link's rule, for its ARP traffic");
        assertTrue(mayAffect(modifyArp(10, F.actions().output(OFPort.of(2), 0xffff)), 1, 2),
                "other ports' ARP may reach port 2");
        assertTrue(mayAffect(modifyArp(10, F.actions().output(OFPort.NORMAL, 0xffff)), 1, 2),
                "NORMAL may reach any port");
        assertFalse(mayAffect(frame(F.buildFlowModify().setMatch(F.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(1))
                .build()).setActions(List.of(F.actions().output(OFPort.of(2), 0xffff))).build()), 1, 2),
                "the link's rule, changed to forward to 2 alone again");
    }

    @Test
    void anythingButADecodedModifyKeepsTheClassifiersJudgement() {
        ByteBuf add = frame(F.buildFlowAdd().setMatch(F.buildMatch().build()).build());
        assertEquals(Optional.empty(), ModificationImpact.of(add, FlowChangeClassifier.classify(add), tables()));
        ByteBuf punt = modifyArp(500, F.actions().output(OFPort.CONTROLLER, 0xffff));
        assertEquals(Optional.empty(), ModificationImpact.of(punt, new FlowChangeImpact.Everything("test"), tables()));
        assertTrue(ModificationImpact.of(punt, FlowChangeClassifier.classify(punt), (from, to) -> false).orElseThrow()
                .mayAffect(1, 2), "tables not known: the modify may change anything");
    }
}
