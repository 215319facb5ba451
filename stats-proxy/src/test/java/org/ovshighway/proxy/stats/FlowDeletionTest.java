package org.ovshighway.proxy.stats;

import static org.ovshighway.proxy.stats.FlowModFixtures.bytes;
import static org.ovshighway.proxy.stats.FlowModFixtures.flow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
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
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

class FlowDeletionTest {

    /** The link's own flow: in_port=13 -> 14, priority 100, cookie 0x5. */
    private static final FlowEntry LINK_FLOW = flow(0, 100, 0x5, Match.of(FieldMatch.inPort(new PortNo(13))));
    /** Another port's flow: in_port=20,ip,nw_dst=10.9.9.9 -> drop, priority 500, cookie 0x6. */
    private static final FlowEntry OTHER_FLOW = flow(0, 500, 0x6, Match.of(FieldMatch.inPort(new PortNo(20)),
            FieldMatch.exact(FieldId.ETH_TYPE, 0x0800, 2), FieldMatch.exact(FieldId.IPV4_DST, 0x0a090909L, 4)));
    /** A table-miss rule in table 1. */
    private static final FlowEntry MISS = flow(1, 0, 0, Match.ANY);

    private static org.projectfloodlight.openflow.protocol.match.Match toTenNineNineNine(OFFactory f) {
        return f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv4)
                .setExact(MatchField.IPV4_DST, IPv4Address.of("10.9.9.9")).build();
    }

    @Test
    void anOpenFlow10DeleteRemovesTheFlowsItsMatchCoversInEveryTable() {
        OFFactory f = OFFactories.getFactory(OFVersion.OF_10);
        FlowDeletion delete = FlowDeletion.of(bytes(f.buildFlowDelete().setMatch(toTenNineNineNine(f)).build())).orElseThrow();
        assertTrue(delete.removes(OTHER_FLOW), "in_port=20,ip,nw_dst=10.9.9.9 is at least as specific: " + delete);
        assertFalse(delete.removes(LINK_FLOW), "in_port=13 alone is not: " + delete);
        assertFalse(delete.removes(MISS), "a table-miss rule is not: " + delete);
        FlowDeletion all = FlowDeletion.of(bytes(f.buildFlowDelete().setMatch(f.buildMatch().build()).build())).orElseThrow();
        assertTrue(all.removes(LINK_FLOW) && all.removes(OTHER_FLOW) && all.removes(MISS), "del-flows with no match: " + all);
        FlowDeletion strict = FlowDeletion.of(bytes(f.buildFlowDeleteStrict().setPriority(100)
                .setMatch(f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(13)).build()).build())).orElseThrow();
        assertTrue(strict.removes(LINK_FLOW), strict.toString());
        assertFalse(strict.removes(flow(0, 101, 0x5, LINK_FLOW.match())), "another priority: " + strict);
        assertFalse(strict.removes(OTHER_FLOW), strict.toString());
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_13", "OF_14", "OF_15"})
    void fromOpenFlow12TheTableAndTheCookieFilterCount(OFVersion version) {
        OFFactory f = OFFactories.getFactory(version);
        FlowDeletion anyTable = FlowDeletion.of(bytes(f.buildFlowDelete().setTableId(TableId.ALL)
                .setMatch(toTenNineNineNine(f)).build())).orElseThrow();
        assertTrue(anyTable.removes(OTHER_FLOW) && !anyTable.removes(LINK_FLOW), anyTable.toString());
        FlowDeletion table1 = FlowDeletion.of(bytes(f.buildFlowDelete().setTableId(TableId.of(1))
                .setMatch(f.buildMatch().build()).build())).orElseThrow();
        assertTrue(table1.removes(MISS), table1.toString());
        assertFalse(table1.removes(LINK_FLOW), "table 0 is not table 1: " + table1);
        FlowDeletion byCookie = FlowDeletion.of(bytes(f.buildFlowDelete().setTableId(TableId.ALL)
                .setMatch(f.buildMatch().build()).setCookie(U64.of(0x2)).setCookieMask(U64.of(0x2)).build())).orElseThrow();
        assertTrue(byCookie.removes(OTHER_FLOW), "cookie 0x6 & 0x2 == 0x2: " + byCookie);
        assertFalse(byCookie.removes(LINK_FLOW), "cookie 0x5 & 0x2 != 0x2: " + byCookie);
        FlowDeletion strict = FlowDeletion.of(bytes(f.buildFlowDeleteStrict().setTableId(TableId.of(0)).setPriority(100)
                .setMatch(f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(13)).build()).build())).orElseThrow();
        assertTrue(strict.removes(LINK_FLOW), strict.toString());
        assertFalse(strict.removes(OTHER_FLOW), strict.toString());
        assertEquals(Optional.empty(), FlowDeletion.of(bytes(f.buildFlowAdd().setMatch(toTenNineNineNine(f)).build())), "ADD");
        assertEquals(Optional.empty(), FlowDeletion.of(bytes(f.buildFlowModify().setMatch(toTenNineNineNine(f)).build())),
                "MODIFY");
    }

    @Test
    void aNiciraDeleteTakesItsCookieFilterFromItsMatch() {
        // nicira header(16) | cookie(8) | command(2) | idle(2) | hard(2) | priority(2) | buffer_id(4)
        // | out_port(2) | flags(2) | match_len(2) | pad(6) | NXM_NX_COOKIE_W (class 1, field 30, masked, 16 bytes) = 0x2/0x2
        ByteBuf nx = Unpooled.buffer();
        nx.writeByte(1).writeByte(4).writeShort(72).writeInt(7).writeInt(0x2320).writeInt(13);
        nx.writeLong(0).writeShort(3).writeShort(0).writeShort(0).writeShort(0x8000).writeInt(-1).writeShort(0xffff)
                .writeShort(0).writeShort(20).writeZero(6);
        nx.writeInt(0x00013d10).writeLong(0x2).writeLong(0x2).writeZero(4);
        FlowDeletion delete = FlowDeletion.of(nx).orElseThrow();
        assertTrue(delete.removes(OTHER_FLOW), delete.toString());
        assertFalse(delete.removes(LINK_FLOW), "cookie 0x5 is filtered out: " + delete);
        nx.setShort(24, 0);
        assertEquals(Optional.empty(), FlowDeletion.of(nx), "NXT_FLOW_MOD ADD");
        nx.setShort(24, 3);
        nx.setShort(40, 64);
        assertEquals(Optional.empty(), FlowDeletion.of(nx), "match_len past the end");
    }

    @Test
    void aConstraintOnAFieldOtherEncodingsNameOtherwiseIsTakenToMatch() {
        // an ONF experimenter field (OXM class 0xffff): NXM names it otherwise
        Match delete = Match.of(FieldMatch.exact(FieldId.named("oxm_exp_0x4f4e4600_99"), 7, 4),
                FieldMatch.exact(FieldId.ETH_TYPE, 0x0800, 2));
        FlowDeletion deletion = new FlowDeletion(FlowStatsRequest.ALL_TABLES, 0, delete, false, 0, 0);
        assertTrue(deletion.removes(OTHER_FLOW), "only eth_type compared: " + deletion);
        assertFalse(deletion.removes(LINK_FLOW), "eth_type still is: " + deletion);
    }

    @Test
    void aRegisterConstraintIsCompared() {
        // reg0=7 (NXM_NX_REG0, class 1): the same header in NXM and in OVS's OXM
        FieldMatch reg0 = FieldMatch.exact(FieldId.oxm(0x0001, 0), 7, 4);
        FlowDeletion deletion = new FlowDeletion(FlowStatsRequest.ALL_TABLES, 0, Match.of(reg0), false, 0, 0);
        assertTrue(deletion.removes(flow(0, 10, 0, Match.of(reg0))), deletion.toString());
        assertFalse(deletion.removes(LINK_FLOW), "no reg0=7 in the link's flow: " + deletion);
        assertFalse(deletion.removes(MISS), "nor in the table-miss rule: " + deletion);
    }

    @Test
    void mutatedAndTruncatedDeletesNeverThrow() {
        OFFactory f10 = OFFactories.getFactory(OFVersion.OF_10);
        OFFactory f13 = OFFactories.getFactory(OFVersion.OF_13);
        List<ByteBuf> seeds = List.of(bytes(f10.buildFlowDelete().setMatch(toTenNineNineNine(f10)).build()),
                bytes(f13.buildFlowDeleteStrict().setTableId(TableId.ALL).setMatch(toTenNineNineNine(f13)).build()));
        assertTrue(MutatedFrames.decoded(seeds, 20261123, 50_000, f -> FlowDeletion.of(f).isPresent()) > 0,
                "some mutations still decode");
        for (ByteBuf seed : seeds) {
            for (int cut = 0; cut < seed.readableBytes(); cut++) {
                Optional<FlowDeletion> d = FlowDeletion.of(seed.slice(0, cut));
                assertTrue(d.isEmpty() || d.get().removes(OTHER_FLOW), "cut at " + cut + ": " + d);
            }
        }
    }
}
