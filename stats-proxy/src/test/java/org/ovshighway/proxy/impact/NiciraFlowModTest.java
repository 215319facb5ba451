package org.ovshighway.proxy.impact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** NXT_FLOW_MODs as {@code ovs-ofctl} writes them (nx_flow_mod, NXM match, OpenFlow 1.0 actions). */
class NiciraFlowModTest {
    private static final int ADD = 0;
    private static final int DELETE = 3;

    /** NXM_OF_IN_PORT = port (6 bytes), or NXM_NX_REG0 = 7 (8 bytes) when port < 0. */
    private static byte[] match(int inPort) {
        ByteBuf m = Unpooled.buffer();
        if (inPort >= 0) {
            m.writeInt(0x00000002).writeShort(inPort);
        } else {
            m.writeInt(0x00010004).writeInt(7);
        }
        byte[] b = new byte[m.readableBytes()];
        m.readBytes(b);
        return b;
    }

    private static byte[] output(int port) {
        return new byte[] {0, 0, 0, 8, (byte) (port >> 8), (byte) port, (byte) 0xff, (byte) 0xff};
    }

    /** set_dl_dst (OFPAT_SET_DL_DST 5, 16 bytes). */
    private static byte[] setDlDst() {
        return new byte[] {0, 5, 0, 16, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
    }

    /** NXAST_RESUBMIT (vendor 0xffff, Nicira, subtype 1), 16 bytes. */
    private static byte[] resubmit() {
        return new byte[] {(byte) 0xff, (byte) 0xff, 0, 16, 0, 0, 0x23, 0x20, 0, 1, 0, 5, 0, 0, 0, 0};
    }

    private static ByteBuf flowMod(int command, int idle, byte[] match, byte[]... actions) {
        ByteBuf nx = Unpooled.buffer();
        nx.writeByte(1).writeByte(4).writeShort(0).writeInt(9).writeInt(0x2320).writeInt(13);
        nx.writeLong(0).writeShort(command).writeShort(idle).writeShort(0).writeShort(100).writeInt(-1)
                .writeShort(0xffff).writeShort(0).writeShort(match.length).writeZero(6);
        nx.writeBytes(match).writeZero(((match.length + 7) & ~7) - match.length);
        for (byte[] action : actions) {
            nx.writeBytes(action);
        }
        nx.setShort(2, nx.readableBytes());
        return nx;
    }

    @Test
    void aRuleThatOnlyForwardsOnePortsTrafficToAnotherForwardsOnly() {
        FlowChangeImpact impact = FlowChangeClassifier.classify(flowMod(ADD, 0, match(13), output(14)));
        assertEquals(new FlowChangeImpact.Ports(Set.of(13L), false, Set.of(14L), false, true), impact);
        assertFalse(impact.mayAffect(13, 14), "its own direction stays point-to-point");
        assertTrue(impact.mayAffect(13, 15), impact.toString());
        assertFalse(impact.mayAffect(20, 21), impact.toString());
        FlowChangeImpact idle = FlowChangeClassifier.classify(flowMod(ADD, 10, match(13), output(14)));
        assertTrue(idle.mayAffect(13, 14), "an idle_timeout rule would expire under a link: " + idle);
        FlowChangeImpact rewrite = FlowChangeClassifier.classify(flowMod(ADD, 0, match(13), setDlDst(), output(14)));
        assertTrue(rewrite.mayAffect(13, 14), "a rewrite is more than forwarding: " + rewrite);
    }

    @Test
    void withoutInPortOrWithANiciraActionItMayReachEverything() {
        FlowChangeImpact noInPort = FlowChangeClassifier.classify(flowMod(ADD, 0, match(-1), output(0xfffd)));
        assertEquals(new FlowChangeImpact.Ports(Set.of(), true, Set.of(), false), noInPort,
                "reg0=7 -> CONTROLLER: any source, no port output");
        FlowChangeImpact resubmit = FlowChangeClassifier.classify(flowMod(ADD, 0, match(13), resubmit()));
        assertTrue(((FlowChangeImpact.Ports) resubmit).anyOutput(), resubmit.toString());
        FlowChangeImpact flood = FlowChangeClassifier.classify(flowMod(ADD, 0, match(13), output(0xfffb)));
        assertTrue(((FlowChangeImpact.Ports) flood).anyOutput(), "FLOOD: " + flood);
        FlowChangeImpact delete = FlowChangeClassifier.classify(flowMod(DELETE, 0, match(20)));
        assertEquals(new FlowChangeImpact.Ports(Set.of(20L), false, Set.of(), false), delete);
    }

    @Test
    void aFlowModItCannotReadReachesEverything() {
        ByteBuf badAction = flowMod(ADD, 0, match(13), output(14));
        badAction.setShort(badAction.readableBytes() - 6, 4);
        assertInstanceOf(FlowChangeImpact.Everything.class, FlowChangeClassifier.classify(badAction), "action length 4");
        ByteBuf overrun = flowMod(ADD, 0, match(13), output(14));
        overrun.setShort(40, 200);
        assertInstanceOf(FlowChangeImpact.Everything.class, FlowChangeClassifier.classify(overrun), "match_len 200");
        ByteBuf cut = flowMod(ADD, 0, match(13), output(14));
        assertInstanceOf(FlowChangeImpact.Everything.class, FlowChangeClassifier.classify(cut.slice(0, 40)), "cut");
        java.util.Random random = new java.util.Random(20261126);
        ByteBuf seed = flowMod(ADD, 0, match(13), setDlDst(), output(14));
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[seed.readableBytes()];
            seed.getBytes(0, b);
            for (int m = 1 + random.nextInt(3); m > 0; m--) {
                b[16 + random.nextInt(b.length - 16)] = (byte) random.nextInt(256);
            }
            FlowChangeImpact impact = FlowChangeClassifier.classify(Unpooled.wrappedBuffer(b));
            if (impact instanceof FlowChangeImpact.Ports ports && ports.forwardsOnly()) {
                assertEquals(1, ports.sources().size(), impact.toString());
            }
        }
    }
}
