package org.ovshighway.proxy.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.FieldId;
import org.ovshighway.p2p.flow.FieldMatch;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.FlowFlag;
import org.ovshighway.p2p.flow.Match;
import org.ovshighway.p2p.flow.PortNo;

/** The rewriter's rules on hand-built frames: saturation, request memory, malformed input, logging, selection, OF1.0 matches. */
class CounterMergingRewriterTest {

    private static final int OF13 = 4;

    /** An OpenFlow 1.3 port-stats reply with one entry for {@code port} whose rx_packets is {@code rxPackets}. */
    private static ByteBuf of13PortReply(long port, long rxPackets, int entryLength) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(OF13).writeByte(19).writeShort(0).writeInt(0x42);
        b.writeShort(4).writeShort(0).writeInt(0);
        int entry = b.writerIndex();
        b.writeZero(entryLength);
        b.setInt(entry, (int) port);
        b.setLong(entry + 8, rxPackets);
        b.setShort(2, b.writerIndex());
        return b;
    }

    private static byte[] bytes(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), out);
        return out;
    }

    private static ExtraCounters ports(long port, PortExtra extra, List<FlowExtra> flows) {
        return new ExtraCounters() {
            @Override
            public PortExtra port(long portNo) {
                return portNo == port ? extra : PortExtra.NONE;
            }

            @Override
            public List<FlowExtra> flows() {
                return flows;
            }
        };
    }

    @Test
    void countersSaturateInsteadOfWrapping() {
        ByteBuf reply = of13PortReply(7, -2L, 112);
        new CounterMergingRewriter("t", ports(7, new PortExtra(5, 0, 0, 0), List.of())).towardController(reply);
        assertEquals(-1L, reply.getLong(16 + 8), "rx_packets saturated at 2^64-1");
        assertEquals(-1L, SaturatingCounter.add(-1L, 1));
        assertEquals(10L, SaturatingCounter.add(4, 6));
    }

    @Test
    void malformedReplyIsRelayedUnchangedCountedAndLoggedWithReason() {
        ByteBuf reply = of13PortReply(7, 1, 111);
        byte[] before = bytes(reply);
        List<String> log = new ArrayList<>();
        CounterMergingRewriter r = new CounterMergingRewriter("conn-a", ports(7, new PortExtra(5, 5, 5, 5), List.of()), 4, log::add);
        r.towardController(reply);
        assertArrayEquals(before, bytes(reply));
        assertEquals(1, r.malformedFrames());
        assertEquals(1, log.size());
        assertTrue(log.getFirst().contains("connection=conn-a") && log.getFirst().contains("remaining=111"), log.getFirst());
    }

    @Test
    void pendingWritesApplyAllOrNothingInsideTheFrame() {
        ByteBuf buf = Unpooled.buffer(32).writeZero(32);
        PendingWrites w = new PendingWrites();
        w.add(8, 5);
        w.add(25, 7);
        assertEquals(25, w.applyTo(buf, 8, 32), "a counter reaching past the end is refused");
        assertEquals(0, buf.getLong(8), "nothing written when one index is outside");
        w.clear();
        w.add(8, 5);
        w.add(24, 7);
        assertEquals(-1, w.applyTo(buf, 8, 32));
        assertEquals(5, buf.getLong(8));
        assertEquals(7, buf.getLong(24));
    }

    @Test
    void headerLengthDifferentFromFrameIsMalformed() {
        ByteBuf reply = of13PortReply(7, 1, 112);
        reply.setShort(2, 100);
        byte[] before = bytes(reply);
        CounterMergingRewriter r = new CounterMergingRewriter("t", ports(7, new PortExtra(5, 5, 5, 5), List.of()), 4, s -> { });
        r.towardController(reply);
        assertArrayEquals(before, bytes(reply));
        assertEquals(1, r.malformedFrames());
    }

    @Test
    void warningsAreRateLimitedPerConnection() {
        long[] now = {0};
        List<String> lines = new ArrayList<>();
        RateLimitedLog log = new RateLimitedLog("c", 10, () -> now[0], lines::add);
        assertTrue(log.warn("first"));
        now[0] = 5;
        assertFalse(log.warn("second"));
        assertFalse(log.warn("third"));
        now[0] = 15;
        assertTrue(log.warn("fourth"));
        assertEquals(2, lines.size());
        assertTrue(lines.get(1).contains("reason=fourth") && lines.get(1).contains("suppressedSinceLast=2"), lines.get(1));
    }

    /** An OpenFlow 1.3 aggregate request (all tables, any port/group, no cookie, empty match) with {@code xid}. */
    private static ByteBuf of13AggregateRequest(int xid) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(OF13).writeByte(18).writeShort(0).writeInt(xid);
        b.writeShort(2).writeShort(0).writeInt(0);
        b.writeByte(0xff).writeZero(3).writeInt(-1).writeInt(-1).writeZero(4).writeLong(0).writeLong(0);
        b.writeShort(1).writeShort(4).writeZero(4);
        b.setShort(2, b.writerIndex());
        return b;
    }

    private static ByteBuf of13AggregateReply(int xid, long packets) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(OF13).writeByte(19).writeShort(40).writeInt(xid);
        b.writeShort(2).writeShort(0).writeInt(0);
        b.writeLong(packets).writeLong(0).writeInt(1).writeInt(0);
        return b;
    }

    private static final FlowExtra ANY_FLOW = new FlowExtra(0, 1, 0, Match.ANY, Set.of(), Set.of(), 9, 900);

    @Test
    void aggregateReplyNeedsItsRequestAndTheMemoryIsBounded() {
        List<String> log = new ArrayList<>();
        CounterMergingRewriter r = new CounterMergingRewriter("t", ports(0, PortExtra.NONE, List.of(ANY_FLOW)), 2, log::add);
        r.towardSwitch(of13AggregateRequest(1));
        r.towardSwitch(of13AggregateRequest(2));
        r.towardSwitch(of13AggregateRequest(3));
        assertEquals(1, r.requestsEvicted());
        ByteBuf evicted = of13AggregateReply(1, 100);
        r.towardController(evicted);
        assertEquals(100, evicted.getLong(16), "reply of an evicted request passes unchanged");
        assertEquals(1, r.aggregatesWithoutRequest());
        ByteBuf kept = of13AggregateReply(3, 100);
        r.towardController(kept);
        assertEquals(109, kept.getLong(16));
        assertEquals(900, kept.getLong(24));
        ByteBuf again = of13AggregateReply(3, 100);
        r.towardController(again);
        assertEquals(100, again.getLong(16), "a final reply consumes its request");
    }

    @Test
    void aMalformedRequestVoidsAnOlderRequestUnderTheSameXid() {
        CounterMergingRewriter r = new CounterMergingRewriter("t", ports(0, PortExtra.NONE, List.of(ANY_FLOW)), 4, s -> { });
        r.towardSwitch(of13AggregateRequest(5));
        ByteBuf bad = of13AggregateRequest(5);
        bad.setShort(16 + 32 + 2, 200);
        r.towardSwitch(bad);
        ByteBuf reply = of13AggregateReply(5, 100);
        r.towardController(reply);
        assertEquals(100, reply.getLong(16));
    }

    @Test
    void requestSelectionFollowsOvsLooseMatching() {
        Match tcp80 = Match.of(FieldMatch.inPort(PortNo.of(1)), FieldMatch.exact(FieldId.ETH_TYPE, 0x800, 2),
                FieldMatch.exact(FieldId.IP_PROTO, 6, 1), FieldMatch.exact(FieldId.TCP_DST, 80, 2));
        FlowExtra flow = new FlowExtra(3, 10, 0xab00, tcp80, Set.of(2L), Set.of(9L), 1, 1);
        Match ip = Match.of(FieldMatch.exact(FieldId.ETH_TYPE, 0x800, 2));
        long any = FlowStatsRequest.ANY;
        assertTrue(new FlowStatsRequest(0xff, any, any, 0, 0, Match.ANY).selects(flow));
        assertTrue(new FlowStatsRequest(3, any, any, 0, 0, ip).selects(flow), "a wider request match selects");
        assertFalse(new FlowStatsRequest(3, any, any, 0, 0, tcp80.with(FieldMatch.exact(FieldId.IPV4_DST, 1, 4))).selects(flow),
                "a narrower request match does not");
        assertFalse(new FlowStatsRequest(4, any, any, 0, 0, Match.ANY).selects(flow), "other table");
        assertTrue(new FlowStatsRequest(0xff, 2, any, 0, 0, Match.ANY).selects(flow), "out_port among its outputs");
        assertFalse(new FlowStatsRequest(0xff, 3, any, 0, 0, Match.ANY).selects(flow), "out_port not among its outputs");
        assertTrue(new FlowStatsRequest(0xff, any, 9, 0, 0, Match.ANY).selects(flow));
        assertFalse(new FlowStatsRequest(0xff, any, 8, 0, 0, Match.ANY).selects(flow));
        assertTrue(new FlowStatsRequest(0xff, any, any, 0xab00, 0xff00, Match.ANY).selects(flow));
        assertFalse(new FlowStatsRequest(0xff, any, any, 0xac00, 0xff00, Match.ANY).selects(flow));
    }

    @Test
    void flowExtraFromAMirroredFlowTakesItsOutputs() {
        FlowEntry entry = new FlowEntry(2, 5, 0x9, Match.ANY, List.of(new Action.Output(PortNo.of(4)), new Action.Group(6)), 0, 0,
                Set.<FlowFlag>of());
        FlowExtra extra = FlowExtra.of(entry, 3, 300);
        assertEquals(Set.of(4L), extra.outPorts());
        assertEquals(Set.of(6L), extra.outGroups());
        assertEquals(0x9, extra.cookie());
        assertThrows(IllegalArgumentException.class, () -> FlowExtra.of(entry, -1, 0));
    }

    @Test
    void extrasOfOneFlowIdentityAreSummed() {
        FlowExtraIndex index = new FlowExtraIndex(List.of(ANY_FLOW, ANY_FLOW,
                new FlowExtra(0, 1, 0, Match.ANY, Set.of(), Set.of(), Long.MAX_VALUE, 1)));
        long[] sum = index.get(new FlowIdentity(0, 1, 0, Match.ANY));
        assertEquals(Long.MAX_VALUE + 18, sum[0], "unsigned sum");
        assertEquals(1801, sum[1]);
        assertNull(index.get(new FlowIdentity(0, 2, 0, Match.ANY)));
    }

    /** An OpenFlow 1.0 ofp_match with everything wildcarded except what {@code fill} sets. */
    private static ByteBuf of10Match(int wildcards, java.util.function.Consumer<ByteBuf> fill) {
        ByteBuf m = Unpooled.buffer(40);
        m.writeZero(40);
        m.setInt(0, wildcards);
        fill.accept(m);
        return m;
    }

    @Test
    void openFlow10MatchConvertsAsOvsReadsIt() throws Exception {
        int all = (1 << 22) - 1;
        // dl_vlan=5: vlan_tci=0x1005/0x1fff
        Match vlan = MatchDecoder.of10(of10Match(all & ~(1 << 1), m -> m.setShort(18, 5)), 0, "t");
        assertEquals(Match.of(FieldMatch.masked(FieldId.named("vlan_tci"), 0x1005, 0x1fff, 2)), vlan);
        // dl_vlan=none: vlan_tci=0
        Match none = MatchDecoder.of10(of10Match(all & ~(1 << 1), m -> m.setShort(18, 0xffff)), 0, "t");
        assertEquals(Match.of(FieldMatch.exact(FieldId.named("vlan_tci"), 0, 2)), none);
        // arp, nw_proto=1 (request), nw_src=10.0.0.0/8: arp_op and arp_spa
        int arpWild = all & ~(1 << 4) & ~(1 << 5) & ~(0x3f << 8) | (24 << 8);
        Match arp = MatchDecoder.of10(of10Match(arpWild, m -> {
            m.setShort(22, 0x0806);
            m.setByte(25, 1);
            m.setInt(28, 0x0a000001);
        }), 0, "t");
        assertEquals(Match.of(FieldMatch.exact(FieldId.ETH_TYPE, 0x0806, 2), FieldMatch.exact(FieldId.named("arp_op"), 1, 2),
                FieldMatch.masked(FieldId.named("arp_spa"), 0x0a000000L, 0xff000000L, 4)), arp);
        // udp,tp_src=53 on in_port LOCAL
        int udpWild = all & ~1 & ~(1 << 4) & ~(1 << 5) & ~(1 << 6);
        Match udp = MatchDecoder.of10(of10Match(udpWild, m -> {
            m.setShort(4, 0xfffe);
            m.setShort(22, 0x0800);
            m.setByte(25, 17);
            m.setShort(36, 53);
        }), 0, "t");
        assertEquals(Match.of(FieldMatch.inPort(PortNo.LOCAL), FieldMatch.exact(FieldId.ETH_TYPE, 0x800, 2),
                FieldMatch.exact(FieldId.IP_PROTO, 17, 1), FieldMatch.exact(FieldId.UDP_SRC, 53, 2)), udp);
        assertThrows(MalformedStatsException.class, () -> MatchDecoder.of10(of10Match(all & ~1, m -> m.setShort(4, 0xff10)), 0, "t"));
    }
}
