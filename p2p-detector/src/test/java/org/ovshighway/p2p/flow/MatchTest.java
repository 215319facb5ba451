package org.ovshighway.p2p.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class MatchTest {

    private static final FieldMatch TCP = FieldMatch.exact(FieldId.IP_PROTO, 6, 1);
    private static final FieldMatch UDP = FieldMatch.exact(FieldId.IP_PROTO, 17, 1);

    @Test
    void matchesWithDifferentValuesOnACommonFieldDoNotOverlap() {
        assertFalse(Match.of(TCP).overlaps(Match.of(UDP)));
        assertTrue(Match.of(TCP).overlaps(Match.of(FieldMatch.inPort(PortNo.of(1)))));
        assertTrue(Match.ANY.overlaps(Match.of(TCP)));
    }

    @Test
    void masksIntersectBeforeValuesAreCompared() {
        Match net10 = Match.of(FieldMatch.masked(FieldId.IPV4_DST, 0x0a000000L, 0xff000000L, 4));
        Match host = Match.of(FieldMatch.exact(FieldId.IPV4_DST, 0x0a010203L, 4));
        Match other = Match.of(FieldMatch.exact(FieldId.IPV4_DST, 0x0b010203L, 4));
        assertTrue(net10.overlaps(host));
        assertFalse(net10.overlaps(other));
        assertTrue(net10.covers(host));
        assertFalse(host.covers(net10));
        assertEquals(host, net10.intersect(host));
    }

    @Test
    void fieldsOfDifferentWidthCountAsOverlappingButNeverCovering() {
        Match a = Match.of(FieldMatch.exact(FieldId.named("reg0"), 1, 4));
        Match b = Match.of(FieldMatch.exact(FieldId.named("reg0"), 2, 2));
        assertTrue(a.overlaps(b));
        assertFalse(a.covers(b));
    }

    @Test
    void normalisationMakesEquivalentConstraintsEqual() {
        FieldMatch allOnes = FieldMatch.masked(FieldId.TCP_DST, 80, 0xffff, 2);
        assertEquals(FieldMatch.exact(FieldId.TCP_DST, 80, 2), allOnes);
        FieldMatch stray = FieldMatch.masked(FieldId.TCP_DST, 0x1234, 0xff00, 2);
        assertEquals(FieldMatch.masked(FieldId.TCP_DST, 0x1200, 0xff00, 2), stray);
        assertEquals(Match.ANY, Match.of(FieldMatch.masked(FieldId.TCP_DST, 0, 0, 2)));
    }

    @Test
    void inPortIsExposedOnlyWhenExact() {
        assertEquals(Optional.of(PortNo.of(7)), Match.of(FieldMatch.inPort(PortNo.of(7)), TCP).inPort());
        assertEquals(Optional.empty(), Match.of(TCP).inPort());
        assertEquals(Optional.empty(), Match.of(FieldMatch.masked(FieldId.IN_PORT, 4, 0xfffffffcL, 4)).inPort());
    }

    @Test
    void badInputNamesWhatIsWrong() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FieldMatch.masked(FieldId.TCP_DST, new byte[2], new byte[3]));
        assertTrue(e.getMessage().contains("field=tcp_dst"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Match.of(TCP, UDP));
        assertTrue(e.getMessage().contains("field=ip_proto"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> FieldMatch.exact(FieldId.IN_PORT, 1, 2));
        assertTrue(e.getMessage().contains("length=2"), e.getMessage());
    }

    @Test
    void textLooksLikeOvsOfctl() {
        FlowEntry flow = FlowEntry.of(0, 100, Match.of(TCP, FieldMatch.inPort(PortNo.of(1))),
                java.util.List.of(new Action.Output(PortNo.of(2)), new Action.Output(PortNo.CONTROLLER)));
        assertEquals("table 0 priority 100 in_port=1,ip_proto=6: actions=output:2,output:CONTROLLER", flow.toString());
        assertEquals(PortNo.FLOOD, PortNo.fromOf10(0xfffb));
        assertEquals("oxm_0x0001_3", FieldId.oxm(1, 3).name());
        assertEquals(FieldId.TCP_DST, FieldId.oxm(FieldId.OXM_CLASS_OPENFLOW_BASIC, 14));
    }
}
