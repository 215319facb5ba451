package org.ovshighway.proxy.stats;

import static org.ovshighway.proxy.stats.FlowModFixtures.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.ovshighway.p2p.flow.FieldId;
import org.ovshighway.p2p.flow.FieldMatch;
import org.ovshighway.p2p.flow.Match;
import org.ovshighway.p2p.flow.PortNo;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;

class FlowAdditionTest {

    @Test
    void anOpenFlow10AddGoesToTableZeroWithItsPriorityAndMatch() {
        OFFactory f = OFFactories.getFactory(OFVersion.OF_10);
        FlowAddition add = FlowAddition.of(bytes(f.buildFlowAdd().setPriority(300)
                .setMatch(f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.ARP).build())
                .setActions(List.of(f.actions().output(OFPort.CONTROLLER, 0xffff))).build())).orElseThrow();
        assertEquals(0, add.tableId());
        assertFalse(add.anyTable());
        assertEquals(300, add.priority());
        assertEquals(Match.of(FieldMatch.exact(FieldId.ETH_TYPE, 0x0806, 2)), add.match());
        assertEquals(Optional.empty(), FlowAddition.of(bytes(f.buildFlowDelete().setMatch(f.buildMatch().build()).build())),
                "DELETE");
        assertEquals(Optional.empty(), FlowAddition.of(bytes(f.buildFlowModify().setMatch(f.buildMatch().build()).build())),
                "MODIFY");
    }

    @Test
    void anOpenFlow13AddNamesItsTable() {
        OFFactory f = OFFactories.getFactory(OFVersion.OF_13);
        FlowAddition add = FlowAddition.of(bytes(f.buildFlowAdd().setTableId(TableId.of(3)).setPriority(7)
                .setMatch(f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(5)).build()).build())).orElseThrow();
        assertEquals(3, add.tableId());
        assertEquals(7, add.priority());
        assertEquals(Optional.of(PortNo.of(5)), add.match().inPort());
        FlowAddition anyTable = FlowAddition.of(bytes(f.buildFlowAdd().setTableId(TableId.ALL)
                .setMatch(f.buildMatch().build()).build())).orElseThrow();
        assertTrue(anyTable.anyTable(), anyTable.toString());
    }

    @Test
    void aNiciraAddWithATableInItsCommandMayBeInAnyTable() {
        // nicira header(16) | cookie(8) | command(2) | idle(2) | hard(2) | priority(2) | buffer_id(4)
        // | out_port(2) | flags(2) | match_len(2) | pad(6) | NXM_OF_IN_PORT=13 (4 + 2) padded to 8
        ByteBuf nx = Unpooled.buffer();
        nx.writeByte(1).writeByte(4).writeShort(56).writeInt(7).writeInt(0x2320).writeInt(13);
        nx.writeLong(0).writeShort(0).writeShort(0).writeShort(0).writeShort(100).writeInt(-1).writeShort(0xffff)
                .writeShort(0).writeShort(6).writeZero(6);
        nx.writeInt(0x00000002).writeShort(13).writeZero(2);
        FlowAddition add = FlowAddition.of(nx).orElseThrow();
        assertEquals(0, add.tableId());
        assertEquals(Optional.of(PortNo.of(13)), add.match().inPort());
        nx.setShort(24, 0x0200);
        assertTrue(FlowAddition.of(nx).orElseThrow().anyTable(), "table 2 in the high byte: only with flow_mod_table_id");
        nx.setShort(24, 3);
        assertEquals(Optional.empty(), FlowAddition.of(nx), "NXT_FLOW_MOD DELETE");
    }

    @Test
    void mutatedAndTruncatedAddsNeverThrow() {
        OFFactory f10 = OFFactories.getFactory(OFVersion.OF_10);
        OFFactory f13 = OFFactories.getFactory(OFVersion.OF_13);
        List<ByteBuf> seeds = List.of(
                bytes(f10.buildFlowAdd().setMatch(f10.buildMatch().setExact(MatchField.ETH_TYPE, EthType.ARP).build()).build()),
                bytes(f13.buildFlowAdd().setMatch(f13.buildMatch().setExact(MatchField.ETH_TYPE, EthType.ARP).build()).build()));
        assertTrue(MutatedFrames.decoded(seeds, 20261124, 50_000, f -> FlowAddition.of(f).isPresent()) > 0,
                "some mutations still decode");
        for (ByteBuf seed : seeds) {
            for (int cut = 0; cut < seed.readableBytes(); cut++) {
                FlowAddition.of(seed.slice(0, cut));
            }
        }
    }

    @Test
    void theFrameShowsItsTimeoutsVersionAndActionList() {
        OFFactory f10 = OFFactories.getFactory(OFVersion.OF_10);
        org.projectfloodlight.openflow.protocol.action.OFAction output = f10.actions().output(OFPort.of(2), 0xffff);
        FlowModFrame of10 = FlowModFrame.of(bytes(f10.buildFlowAdd().setIdleTimeout(7).setHardTimeout(9)
                .setMatch(f10.buildMatch().build()).setActions(List.of(output)).build())).orElseThrow();
        assertEquals(7, of10.idleTimeout());
        assertEquals(9, of10.hardTimeout());
        assertEquals(1, of10.version());
        ByteBuf expected = Unpooled.buffer();
        output.writeTo(expected);
        assertEquals(expected, of10.actionList().orElseThrow());
        OFFactory f13 = OFFactories.getFactory(OFVersion.OF_13);
        org.projectfloodlight.openflow.protocol.instruction.OFInstruction gotoTable = f13.instructions().gotoTable(TableId.of(1));
        FlowModFrame of13 = FlowModFrame.of(bytes(f13.buildFlowAdd().setHardTimeout(4)
                .setMatch(f13.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(5)).build())
                .setInstructions(List.of(gotoTable)).build())).orElseThrow();
        assertEquals(4, of13.hardTimeout());
        assertEquals(4, of13.version());
        ByteBuf instructions = Unpooled.buffer();
        gotoTable.writeTo(instructions);
        assertEquals(instructions, of13.actionList().orElseThrow(), "after the match padded to 8");
    }

    @Test
    void aRuleHasTheSameKeyAsTheMirrorsFlowWhateverTheEncoding() {
        OFFactory f10 = OFFactories.getFactory(OFVersion.OF_10);
        FlowAddition add = FlowAddition.of(bytes(f10.buildFlowAdd().setPriority(300)
                .setMatch(f10.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(5)).build()).build())).orElseThrow();
        org.ovshighway.p2p.flow.FlowEntry mirrored = new org.ovshighway.p2p.flow.FlowEntry(0, 300, 0,
                Match.of(FieldMatch.inPort(PortNo.of(5))), List.of(), 0, 0, java.util.Set.of());
        assertTrue(add.sameKeyAs(mirrored));
        assertFalse(add.sameKeyAs(new org.ovshighway.p2p.flow.FlowEntry(0, 301, 0, mirrored.match(), List.of(), 0, 0,
                java.util.Set.of())), "another priority");
        assertFalse(add.sameKeyAs(new org.ovshighway.p2p.flow.FlowEntry(1, 300, 0, mirrored.match(), List.of(), 0, 0,
                java.util.Set.of())), "another table");
    }
}
