package org.ovshighway.proxy.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.ovshighway.p2p.flow.FieldId;
import org.ovshighway.p2p.flow.FieldMatch;
import org.ovshighway.p2p.flow.Match;

/** NXM and ONF forms become the OXM basic form OVS writes for the same flow (nx-match.c nx_put_raw). */
class CanonicalMatchTest {

    private static final FieldId TCI = FieldId.named("vlan_tci");

    @Test
    void vlanTciBecomesVidAndPcpAsOvsWritesThemForOxm() {
        assertEquals(Match.of(FieldMatch.exact(FieldId.VLAN_VID, 0x1005, 2)),
                CanonicalMatch.of(Match.of(FieldMatch.masked(TCI, 0x1005, 0x1fff, 2))), "dl_vlan=5");
        assertEquals(Match.of(FieldMatch.exact(FieldId.VLAN_VID, 0, 2)),
                CanonicalMatch.of(Match.of(FieldMatch.masked(TCI, 0, 0x1fff, 2))), "vlan_tci=0/0x1fff (no VLAN)");
        assertEquals(Match.of(FieldMatch.masked(FieldId.VLAN_VID, 0x1000, 0x1000, 2), FieldMatch.exact(FieldId.VLAN_PCP, 3, 1)),
                CanonicalMatch.of(Match.of(FieldMatch.masked(TCI, 0x7000, 0xf000, 2))), "dl_vlan_pcp=3");
        assertEquals(Match.of(FieldMatch.exact(FieldId.VLAN_VID, 0x1007, 2), FieldMatch.exact(FieldId.VLAN_PCP, 2, 1)),
                CanonicalMatch.of(Match.of(FieldMatch.exact(TCI, 0x5007, 2))), "dl_vlan=7,dl_vlan_pcp=2");
    }

    @Test
    void nxmTwinsAreRenamedAndTosShifted() {
        assertEquals(Match.of(FieldMatch.exact(FieldId.named("ip_dscp"), 8, 1)),
                CanonicalMatch.of(Match.of(FieldMatch.exact(FieldId.named("nw_tos"), 32, 1))));
        assertEquals(Match.of(FieldMatch.exact(FieldId.named("tcp_flags"), 2, 2)),
                CanonicalMatch.of(Match.of(FieldMatch.exact(FieldId.oxm(1, 34), 2, 2))));
        assertEquals(Match.of(FieldMatch.exact(FieldId.named("tcp_flags"), 2, 2)),
                CanonicalMatch.of(Match.of(FieldMatch.exact(FieldId.named("oxm_exp_0x4f4e4600_42"), 2, 2))));
    }

    @Test
    void packetRegisterSplitsIntoTwoNxmRegisters() {
        Match xreg1 = Match.of(FieldMatch.masked(FieldId.oxm(0x8001, 1), 0x10L, 0xf0L, 8));
        assertEquals(Match.of(FieldMatch.masked(FieldId.oxm(1, 3), 0x10, 0xf0, 4)), CanonicalMatch.of(xreg1));
        Match exact = Match.of(FieldMatch.exact(FieldId.oxm(0x8001, 0), 0x0000000500000006L, 8));
        assertEquals(Match.of(FieldMatch.exact(FieldId.oxm(1, 0), 5, 4), FieldMatch.exact(FieldId.oxm(1, 1), 6, 4)),
                CanonicalMatch.of(exact));
    }

    @Test
    void matchesWithoutEncodingSpecificFieldsAreReturnedAsTheyAre() {
        Match m = Match.of(FieldMatch.exact(FieldId.ETH_TYPE, 0x800, 2), FieldMatch.exact(FieldId.IP_PROTO, 6, 1));
        assertSame(m, CanonicalMatch.of(m));
    }
}
