package org.ovshighway.proxy.stats;

import static org.ovshighway.proxy.stats.FlowModFixtures.bytes;
import static org.ovshighway.proxy.stats.FlowModFixtures.flow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.ovshighway.p2p.flow.FieldId;
import org.ovshighway.p2p.flow.FieldMatch;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.Match;
import org.ovshighway.p2p.flow.PortNo;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

class FlowModificationTest {

    /** in_port=13 -> 14, priority 100, cookie 0x5, table 0. */
    private static final FlowEntry PORT_FLOW = flow(0, 100, 0x5, Match.of(FieldMatch.inPort(new PortNo(13))));
    /** in_port=13,arp -> 14, priority 300, cookie 0x6, table 0. */
    private static final FlowEntry ARP_FLOW = flow(0, 300, 0x6, Match.of(FieldMatch.inPort(new PortNo(13)),
            FieldMatch.exact(FieldId.ETH_TYPE, 0x0806, 2)));

    @Test
    void aLooseModifyChangesTheFlowsItsMatchCoversAndMayAddItsRule() {
        OFFactory f = OFFactories.getFactory(OFVersion.OF_13);
        FlowModification modify = FlowModification.of(bytes(f.buildFlowModify().setTableId(TableId.of(0)).setPriority(50)
                .setMatch(f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.ARP).build())
                .setActions(List.of(f.actions().output(OFPort.of(20), 0xffff))).build())).orElseThrow();
        assertTrue(modify.changes(ARP_FLOW), "arp covers in_port=13,arp");
        assertFalse(modify.changes(PORT_FLOW), "arp does not cover in_port=13 (all of its traffic)");
        assertEquals(new FlowAddition(0, 50, Match.of(FieldMatch.exact(FieldId.ETH_TYPE, 0x0806, 2))),
                modify.addsWhenNoneMatch());
    }

    @Test
    void aStrictModifyComparesThePriorityAndTheCookieFilterApplies() {
        OFFactory f = OFFactories.getFactory(OFVersion.OF_13);
        org.projectfloodlight.openflow.protocol.match.Match inPort13 =
                f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(13)).build();
        FlowModification strict = FlowModification.of(bytes(f.buildFlowModifyStrict().setTableId(TableId.of(0))
                .setPriority(100).setMatch(inPort13).build())).orElseThrow();
        assertTrue(strict.changes(PORT_FLOW));
        assertFalse(strict.changes(ARP_FLOW), "priority 300, not 100");
        FlowModification otherCookie = FlowModification.of(bytes(f.buildFlowModify().setTableId(TableId.of(0))
                .setCookie(U64.of(0x7)).setCookieMask(U64.NO_MASK).setMatch(inPort13).build())).orElseThrow();
        assertFalse(otherCookie.changes(PORT_FLOW), "cookie 0x5 is not 0x7");
        FlowModification otherTable = FlowModification.of(bytes(f.buildFlowModify().setTableId(TableId.of(1))
                .setMatch(inPort13).build())).orElseThrow();
        assertFalse(otherTable.changes(PORT_FLOW), "table 1");
    }

    @Test
    void anOpenFlow10ModifyReachesEveryTableAndOtherCommandsAreNotModifies() {
        OFFactory f = OFFactories.getFactory(OFVersion.OF_10);
        FlowModification modify = FlowModification.of(bytes(f.buildFlowModify()
                .setMatch(f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(13)).build()).build())).orElseThrow();
        assertTrue(modify.changes(flow(5, 100, 0, Match.of(FieldMatch.inPort(new PortNo(13))))), "table 5");
        assertEquals(0, modify.addsWhenNoneMatch().tableId());
        assertEquals(Optional.empty(), FlowModification.of(bytes(f.buildFlowAdd().setMatch(f.buildMatch().build()).build())),
                "ADD");
        assertEquals(Optional.empty(), FlowModification.of(bytes(f.buildFlowDelete().setMatch(f.buildMatch().build()).build())),
                "DELETE");
    }

    @Test
    void mutatedAndTruncatedModifiesNeverThrow() {
        OFFactory f10 = OFFactories.getFactory(OFVersion.OF_10);
        OFFactory f13 = OFFactories.getFactory(OFVersion.OF_13);
        List<ByteBuf> seeds = List.of(
                bytes(f10.buildFlowModify().setMatch(f10.buildMatch().setExact(MatchField.ETH_TYPE, EthType.ARP).build()).build()),
                bytes(f13.buildFlowModifyStrict().setMatch(f13.buildMatch().setExact(MatchField.ETH_TYPE, EthType.ARP).build())
                        .build()));
        assertTrue(MutatedFrames.decoded(seeds, 20261123, 50_000, f -> FlowModification.of(f).isPresent()) > 0,
                "some mutations still decode");
        for (ByteBuf seed : seeds) {
            for (int cut = 0; cut < seed.readableBytes(); cut++) {
                FlowModification.of(seed.slice(0, cut));
            }
        }
    }
}
