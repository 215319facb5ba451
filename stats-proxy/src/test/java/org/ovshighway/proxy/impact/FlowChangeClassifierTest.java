package org.ovshighway.proxy.impact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFBundleCtrlType;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowModCommand;
import org.projectfloodlight.openflow.protocol.OFGroupType;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.BundleId;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;

class FlowChangeClassifierTest {

    private static ByteBuf bytes(OFMessage message) {
        ByteBuf buf = Unpooled.buffer();
        message.writeTo(buf);
        return buf;
    }

    private static OFMessage flowMod(OFFactory f, OFFlowModCommand command, Match match, List<OFAction> actions) {
        var builder = switch (command) {
            case ADD -> f.buildFlowAdd();
            case MODIFY -> f.buildFlowModify();
            case DELETE -> f.buildFlowDelete();
            default -> throw new IllegalArgumentException(command.toString());
        };
        builder.setMatch(match).setPriority(100);
        if (f.getVersion() == OFVersion.OF_10) {
            builder.setActions(actions);
        } else {
            builder.setInstructions(List.of(f.instructions().applyActions(actions)));
        }
        return builder.build();
    }

    private static OFAction output(OFFactory f, OFPort port) {
        return f.actions().output(port, 0xffff);
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13", "OF_14", "OF_15"})
    void aRuleReachesItsInPortAndItsOutputs(OFVersion version) {
        OFFactory f = OFFactories.getFactory(version);
        FlowChangeImpact impact = FlowChangeClassifier.classify(bytes(flowMod(f, OFFlowModCommand.ADD,
                f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(13)).build(),
                List.of(output(f, OFPort.of(14))))));
        assertEquals(new FlowChangeImpact.Ports(Set.of(13L), false, Set.of(14L), false, true), impact);
        assertTrue(impact.mayAffect(13, 99), "its traffic source");
        assertTrue(impact.mayAffect(11, 14), "its output hears from 13 now");
        assertFalse(impact.mayAffect(11, 12), "an unrelated direction is left alone");
        assertFalse(impact.mayAffect(13, 14), "13 -> 14 itself: 13's packets it reaches go to 14 alone, unmodified");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13", "OF_14", "OF_15"})
    void onlyAnAddedOrModifiedRuleThatJustOutputsKeepsItsOwnDirection(OFVersion version) {
        OFFactory f = OFFactories.getFactory(version);
        Match in13 = f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(13)).build();
        FlowChangeImpact modify = FlowChangeClassifier.classify(bytes(flowMod(f, OFFlowModCommand.MODIFY, in13,
                List.of(output(f, OFPort.of(14))))));
        assertFalse(modify.mayAffect(13, 14), "MODIFY of 13's rules to output:14 alone: " + modify);
        FlowChangeImpact delete = FlowChangeClassifier.classify(bytes(flowMod(f, OFFlowModCommand.DELETE, in13,
                List.of(output(f, OFPort.of(14))))));
        assertTrue(delete.mayAffect(13, 14), "a DELETE uncovers whatever rule is below: " + delete);
        FlowChangeImpact copy = FlowChangeClassifier.classify(bytes(flowMod(f, OFFlowModCommand.ADD, in13,
                List.of(output(f, OFPort.of(14)), output(f, OFPort.LOCAL)))));
        assertTrue(copy.mayAffect(13, 14), "a copy to LOCAL as well: " + copy);
        FlowChangeImpact rewrite = FlowChangeClassifier.classify(bytes(flowMod(f, OFFlowModCommand.ADD, in13,
                List.of(version == OFVersion.OF_10 ? f.actions().setNwTos((short) 4)
                        : f.actions().setField(f.oxms().ethSrc(org.projectfloodlight.openflow.types.MacAddress.of(2L))),
                        output(f, OFPort.of(14))))));
        assertTrue(rewrite.mayAffect(13, 14), "a header rewrite on the way: " + rewrite);
        OFMessage expiring = version == OFVersion.OF_10
                ? f.buildFlowAdd().setMatch(in13).setPriority(100).setIdleTimeout(10)
                        .setActions(List.of(output(f, OFPort.of(14)))).build()
                : f.buildFlowAdd().setMatch(in13).setPriority(100).setIdleTimeout(10)
                        .setInstructions(List.of(f.instructions().applyActions(List.of(output(f, OFPort.of(14)))))).build();
        assertTrue(FlowChangeClassifier.classify(bytes(expiring)).mayAffect(13, 14),
                "an idle_timeout rule would expire under the link");
        FlowChangeImpact back = FlowChangeClassifier.classify(bytes(flowMod(f, OFFlowModCommand.ADD, in13,
                List.of(output(f, OFPort.IN_PORT)))));
        assertTrue(back.mayAffect(13, 14), "output:IN_PORT: " + back);
        FlowChangeImpact ip = FlowChangeClassifier.classify(bytes(flowMod(f, OFFlowModCommand.ADD,
                f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv4).build(), List.of(output(f, OFPort.of(14))))));
        assertTrue(ip.mayAffect(13, 14), "no in_port: every source: " + ip);
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_13", "OF_14", "OF_15"})
    void anInstructionBesidesTheOutputMayDoMore(OFVersion version) {
        OFFactory f = OFFactories.getFactory(version);
        Match in13 = f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(13)).build();
        OFMessage withGoto = f.buildFlowAdd().setMatch(in13).setPriority(100).setInstructions(List.of(
                f.instructions().applyActions(List.of(output(f, OFPort.of(14)))),
                f.instructions().gotoTable(org.projectfloodlight.openflow.types.TableId.of(1)))).build();
        assertTrue(FlowChangeClassifier.classify(bytes(withGoto)).mayAffect(13, 14), "goto_table after the output");
        OFMessage writeOnly = f.buildFlowAdd().setMatch(in13).setPriority(100).setInstructions(List.of(
                f.instructions().writeActions(List.of(output(f, OFPort.of(14)))))).build();
        assertTrue(FlowChangeClassifier.classify(bytes(writeOnly)).mayAffect(13, 14), "write_actions: the action set");
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_10", "OF_13", "OF_14", "OF_15"})
    void aRuleWithoutInPortOrWithFloodReachesEverything(OFVersion version) {
        OFFactory f = OFFactories.getFactory(version);
        FlowChangeImpact wildcard = FlowChangeClassifier.classify(bytes(flowMod(f, OFFlowModCommand.ADD,
                f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv4).build(), List.of(output(f, OFPort.of(14))))));
        assertTrue(wildcard.mayAffect(11, 12));
        FlowChangeImpact flood = FlowChangeClassifier.classify(bytes(flowMod(f, OFFlowModCommand.MODIFY,
                f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(13)).build(), List.of(output(f, OFPort.FLOOD)))));
        assertTrue(flood.mayAffect(11, 12), "FLOOD may reach 12");
        FlowChangeImpact toController = FlowChangeClassifier.classify(bytes(flowMod(f, OFFlowModCommand.ADD,
                f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(13)).build(),
                List.of(output(f, OFPort.CONTROLLER), output(f, OFPort.LOCAL)))));
        assertFalse(toController.mayAffect(11, 12), "CONTROLLER and LOCAL never reach a ring port");
        FlowChangeImpact delete = FlowChangeClassifier.classify(bytes(flowMod(f, OFFlowModCommand.DELETE,
                f.buildMatch().build(), List.of())));
        assertTrue(delete.mayAffect(11, 12), "deleting every rule may remove 11's");
    }

    @Test
    void messagesThatChangeNoForwardingAreNone() {
        OFFactory f13 = OFFactories.getFactory(OFVersion.OF_13);
        OFFactory f14 = OFFactories.getFactory(OFVersion.OF_14);
        assertInstanceOf(FlowChangeImpact.None.class, FlowChangeClassifier.classify(bytes(f13.buildBarrierRequest().build())));
        assertInstanceOf(FlowChangeImpact.None.class, FlowChangeClassifier.classify(bytes(
                f13.buildFlowStatsRequest().build())));
        assertInstanceOf(FlowChangeImpact.None.class, FlowChangeClassifier.classify(bytes(f14.buildBundleCtrlMsg()
                .setBundleId(BundleId.of(7)).setBundleCtrlType(OFBundleCtrlType.OPEN_REQUEST).build())));
        // what ovs-ofctl dump-flows sends first on OF1.0: Nicira NXT_SET_FLOW_FORMAT (subtype 12), format NXM
        ByteBuf setFlowFormat = Unpooled.wrappedBuffer(new byte[] {1, 4, 0, 20, 0, 0, 0, 2, 0, 0, 0x23, 0x20, 0, 0, 0, 12,
                0, 0, 0, 2});
        assertInstanceOf(FlowChangeImpact.None.class, FlowChangeClassifier.classify(setFlowFormat));
        // NXT_SET_PACKET_IN_FORMAT (16) on OF1.3
        ByteBuf packetInFormat = Unpooled.wrappedBuffer(new byte[] {4, 4, 0, 20, 0, 0, 0, 3, 0, 0, 0x23, 0x20, 0, 0, 0, 16,
                0, 0, 0, 1});
        assertInstanceOf(FlowChangeImpact.None.class, FlowChangeClassifier.classify(packetInFormat));
    }

    @Test
    void groupsPortModsBundleCommitsExtensionsAndGarbageReachEverything() {
        OFFactory f13 = OFFactories.getFactory(OFVersion.OF_13);
        OFFactory f14 = OFFactories.getFactory(OFVersion.OF_14);
        assertInstanceOf(FlowChangeImpact.Everything.class, FlowChangeClassifier.classify(bytes(f13.buildGroupAdd()
                .setGroup(OFGroup.of(1)).setGroupType(OFGroupType.ALL).setBuckets(List.of()).build())));
        assertInstanceOf(FlowChangeImpact.Everything.class, FlowChangeClassifier.classify(bytes(f14.buildBundleCtrlMsg()
                .setBundleId(BundleId.of(7)).setBundleCtrlType(OFBundleCtrlType.COMMIT_REQUEST).build())));
        // Nicira NXT_FLOW_MOD (vendor message, subtype 13) cut after its subtype: nothing to read
        ByteBuf nicira = Unpooled.wrappedBuffer(new byte[] {1, 4, 0, 16, 0, 0, 0, 1, 0, 0, 0x23, 0x20, 0, 0, 0, 13});
        assertInstanceOf(FlowChangeImpact.Everything.class, FlowChangeClassifier.classify(nicira));
        // a harmless Nicira subtype from another experimenter id, and an experimenter header cut short
        ByteBuf otherVendor = Unpooled.wrappedBuffer(new byte[] {4, 4, 0, 16, 0, 0, 0, 1, 0x4f, 0x4e, 0x46, 0, 0, 0, 0, 12});
        assertInstanceOf(FlowChangeImpact.Everything.class, FlowChangeClassifier.classify(otherVendor));
        ByteBuf shortVendor = Unpooled.wrappedBuffer(new byte[] {1, 4, 0, 12, 0, 0, 0, 1, 0, 0, 0x23, 0x20});
        assertInstanceOf(FlowChangeImpact.Everything.class, FlowChangeClassifier.classify(shortVendor));
        ByteBuf truncated = bytes(flowMod(f13, OFFlowModCommand.ADD, f13.buildMatch().build(), List.of()));
        truncated.writerIndex(20);
        truncated.setShort(2, 20);
        FlowChangeImpact cut = FlowChangeClassifier.classify(truncated);
        assertInstanceOf(FlowChangeImpact.Everything.class, cut);
        assertTrue(((FlowChangeImpact.Everything) cut).why().startsWith("FLOW_MOD openflowj cannot parse"), cut.toString());
        assertInstanceOf(FlowChangeImpact.Everything.class, FlowChangeClassifier.classify(Unpooled.wrappedBuffer(new byte[3])));
    }

    @Test
    void theHeaderOnlyCheckAgreesWithTheClassifierOnEveryFrame() {
        OFFactory f10 = OFFactories.getFactory(OFVersion.OF_10);
        OFFactory f13 = OFFactories.getFactory(OFVersion.OF_13);
        OFFactory f14 = OFFactories.getFactory(OFVersion.OF_14);
        List<ByteBuf> seeds = List.of(
                bytes(flowMod(f10, OFFlowModCommand.ADD, f10.buildMatch().build(), List.of(output(f10, OFPort.of(2))))),
                bytes(flowMod(f13, OFFlowModCommand.DELETE, f13.buildMatch().build(), List.of())),
                bytes(f13.buildBarrierRequest().build()),
                bytes(f10.buildPortMod().setPortNo(OFPort.of(1)).build()),
                bytes(f13.buildPortMod().setPortNo(OFPort.of(1)).build()),
                bytes(f13.buildTableMod().build()),
                bytes(f13.buildGroupAdd().setGroup(OFGroup.of(1)).setGroupType(OFGroupType.ALL).setBuckets(List.of()).build()),
                bytes(f14.buildBundleCtrlMsg().setBundleId(BundleId.of(7)).setBundleCtrlType(OFBundleCtrlType.OPEN_REQUEST)
                        .build()),
                bytes(f14.buildBundleCtrlMsg().setBundleId(BundleId.of(7)).setBundleCtrlType(OFBundleCtrlType.COMMIT_REQUEST)
                        .build()),
                Unpooled.wrappedBuffer(new byte[] {1, 4, 0, 20, 0, 0, 0, 2, 0, 0, 0x23, 0x20, 0, 0, 0, 12, 0, 0, 0, 2}),
                Unpooled.wrappedBuffer(new byte[] {1, 4, 0, 16, 0, 0, 0, 1, 0, 0, 0x23, 0x20, 0, 0, 0, 13}));
        java.util.Random random = new java.util.Random(20261125);
        int changing = 0;
        for (int i = 0; i < 20_000; i++) {
            ByteBuf seed = seeds.get(i % seeds.size());
            byte[] b = new byte[seed.readableBytes()];
            seed.getBytes(seed.readerIndex(), b);
            if (i >= seeds.size()) {
                for (int m = 1 + random.nextInt(3); m > 0; m--) {
                    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                }
            }
            int length = i % 7 == 0 ? random.nextInt(b.length + 1) : b.length;
            ByteBuf frame = Unpooled.wrappedBuffer(b, 0, length);
            boolean none = FlowChangeClassifier.classify(frame) instanceof FlowChangeImpact.None;
            assertEquals(!none, FlowChangeClassifier.mayChangeForwarding(frame), "frame " + java.util.HexFormat.of()
                    .formatHex(b, 0, length));
            if (!none) {
                changing++;
            }
        }
        assertTrue(changing > 1000 && changing < 19_000, "both kinds seen: " + changing);
    }
}
