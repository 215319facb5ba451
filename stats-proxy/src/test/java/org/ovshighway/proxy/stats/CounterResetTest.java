package org.ovshighway.proxy.stats;

import static org.ovshighway.proxy.stats.FlowModFixtures.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.FieldId;
import org.ovshighway.p2p.flow.FieldMatch;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.Match;
import org.ovshighway.p2p.flow.PortNo;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

class CounterResetTest {

    /** in_port=13 at priority 100 in table 0: the flow a link A(13) -> B(14) would stand for. */
    private static final FlowEntry FLOW = new FlowEntry(0, 100, 0x5, Match.of(FieldMatch.inPort(new PortNo(13))),
            List.of(new Action.Output(new PortNo(14))), 0, 0, Set.of());
    private static final FlowEntry FLOW_IP = new FlowEntry(0, 200, 0x6, Match.of(FieldMatch.inPort(new PortNo(13)),
            FieldMatch.exact(FieldId.ETH_TYPE, 0x0800, 2)), List.of(new Action.Output(new PortNo(14))), 0, 0, Set.of());

    private static org.projectfloodlight.openflow.protocol.match.Match in13(OFFactory f) {
        return f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(13)).build();
    }

    @Test
    void anOpenFlow10AddResetsTheFlowItReplacesAndAModifyNever() {
        OFFactory f = OFFactories.getFactory(OFVersion.OF_10);
        Optional<CounterReset> add = CounterReset.of(bytes(f.buildFlowAdd().setMatch(in13(f)).setPriority(100)
                .setActions(List.of(f.actions().output(OFPort.of(14), 0))).build()));
        assertTrue(add.isPresent(), "OF1.0 ADD");
        assertTrue(add.get().resets(FLOW), add.get().toString());
        assertFalse(add.get().resets(FLOW_IP), "another match and priority: " + add.get());
        assertFalse(add.get().resets(new FlowEntry(1, 100, 0, FLOW.match(), FLOW.actions(), 0, 0, Set.of())),
                "another table");
        assertFalse(add.get().resets(new FlowEntry(0, 101, 0, FLOW.match(), FLOW.actions(), 0, 0, Set.of())),
                "another priority");
        assertEquals(Optional.empty(), CounterReset.of(bytes(f.buildFlowModifyStrict().setMatch(in13(f)).setPriority(100)
                .setActions(List.of(f.actions().output(OFPort.of(14), 0))).build())), "OF1.0 MODIFY_STRICT keeps counts");
        assertEquals(Optional.empty(), CounterReset.of(bytes(f.buildFlowDelete().setMatch(in13(f)).build())), "DELETE");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_13", "OF_14", "OF_15"})
    void fromOpenFlow12OnlyResetCountsResets(OFVersion version) {
        OFFactory f = OFFactories.getFactory(version);
        List<org.projectfloodlight.openflow.protocol.instruction.OFInstruction> apply =
                List.of(f.instructions().applyActions(List.of(f.actions().output(OFPort.of(14), 0))));
        assertEquals(Optional.empty(), CounterReset.of(bytes(f.buildFlowAdd().setMatch(in13(f)).setPriority(100)
                .setInstructions(apply).build())), "ADD without RESET_COUNTS forwards the counts");
        CounterReset add = CounterReset.of(bytes(f.buildFlowAdd().setMatch(in13(f)).setPriority(100)
                .setInstructions(apply).setFlags(Set.of(OFFlowModFlags.RESET_COUNTS)).build())).orElseThrow();
        assertTrue(add.resets(FLOW), add.toString());
        assertFalse(add.resets(FLOW_IP), add.toString());

        // MODIFY (not strict): every flow of the table at least as specific, cookie filter applied
        CounterReset modify = CounterReset.of(bytes(f.buildFlowModify().setMatch(in13(f)).setTableId(TableId.of(0))
                .setInstructions(apply).setFlags(Set.of(OFFlowModFlags.RESET_COUNTS))
                .setCookie(U64.of(0x1)).setCookieMask(U64.of(0x3)).build())).orElseThrow();
        assertTrue(modify.resets(FLOW), "cookie 0x5 & 0x3 == 0x1: " + modify);
        assertFalse(modify.resets(FLOW_IP), "cookie 0x6 & 0x3 != 0x1: " + modify);
        CounterReset anyCookie = CounterReset.of(bytes(f.buildFlowModify().setMatch(in13(f)).setTableId(TableId.of(0))
                .setInstructions(apply).setFlags(Set.of(OFFlowModFlags.RESET_COUNTS)).build())).orElseThrow();
        assertTrue(anyCookie.resets(FLOW_IP), "in_port=13,ip is at least as specific as in_port=13: " + anyCookie);
        CounterReset ipOnly = CounterReset.of(bytes(f.buildFlowModify().setTableId(TableId.of(0))
                .setMatch(f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv4).build())
                .setInstructions(apply).setFlags(Set.of(OFFlowModFlags.RESET_COUNTS)).build())).orElseThrow();
        assertFalse(ipOnly.resets(FLOW), "in_port=13 alone is not as specific as ip: " + ipOnly);
        assertEquals(Optional.empty(), CounterReset.of(bytes(f.buildFlowDeleteStrict().setMatch(in13(f)).setPriority(100)
                .setFlags(Set.of(OFFlowModFlags.RESET_COUNTS)).build())), "DELETE_STRICT");
    }

    @Test
    void aNiciraFlowModAddResets() {
        // nicira header(16) | cookie(8) | command(2) | idle(2) | hard(2) | priority(2) | buffer_id(4)
        // | out_port(2) | flags(2) | match_len(2) | pad(6) | NXM_OF_IN_PORT=13 (4 + 2) padded to 8
        ByteBuf nx = Unpooled.buffer();
        nx.writeByte(1).writeByte(4).writeShort(56).writeInt(7).writeInt(0x2320).writeInt(13);
        nx.writeLong(0).writeShort(0).writeShort(0).writeShort(0).writeShort(100).writeInt(-1).writeShort(0xffff)
                .writeShort(0).writeShort(6).writeZero(6);
        nx.writeInt(0x00000002).writeShort(13).writeZero(2);
        CounterReset add = CounterReset.of(nx).orElseThrow();
        assertTrue(add.resets(FLOW), add.toString());
        nx.setShort(24, 1);
        assertEquals(Optional.empty(), CounterReset.of(nx), "NXT_FLOW_MOD MODIFY");
        nx.setShort(24, 0);
        nx.setShort(40, 64);
        assertEquals(Optional.empty(), CounterReset.of(nx), "match_len past the end");
    }

    @Test
    void mutatedFlowModsNeverThrow() {
        OFFactory f10 = OFFactories.getFactory(OFVersion.OF_10);
        OFFactory f13 = OFFactories.getFactory(OFVersion.OF_13);
        List<ByteBuf> seeds = List.of(
                bytes(f10.buildFlowAdd().setMatch(in13(f10)).setPriority(100)
                        .setActions(List.of(f10.actions().output(OFPort.of(14), 0))).build()),
                bytes(f13.buildFlowModify().setMatch(f13.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(13))
                        .setExact(MatchField.ETH_TYPE, EthType.IPv4).build())
                        .setFlags(Set.of(OFFlowModFlags.RESET_COUNTS)).build()));
        assertTrue(MutatedFrames.decoded(seeds, 20261122, 50_000, f -> CounterReset.of(f).isPresent()) > 0,
                "some mutations still decode");
    }

    @Test
    void truncatedOrOtherMessagesResetNothing() {
        OFFactory f = OFFactories.getFactory(OFVersion.OF_13);
        ByteBuf whole = bytes(f.buildFlowAdd().setMatch(in13(f)).setPriority(100)
                .setFlags(Set.of(OFFlowModFlags.RESET_COUNTS)).build());
        for (int cut = 0; cut < whole.readableBytes(); cut++) {
            ByteBuf part = whole.slice(0, cut);
            Optional<CounterReset> r = CounterReset.of(part);
            assertTrue(r.isEmpty() || r.get().resets(FLOW), "cut at " + cut + ": " + r);
        }
        assertEquals(Optional.empty(), CounterReset.of(bytes(f.barrierRequest())), "BARRIER");
        assertEquals(Optional.empty(), CounterReset.of(Unpooled.wrappedBuffer(new byte[] {4, 14, 0, 8})), "header cut");
    }
}
