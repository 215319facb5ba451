package org.ovshighway.ovs.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.PortNo;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;

class FlowModActionsTest {

    private static ByteBuf actions(List<OFAction> actions) {
        ByteBuf buf = Unpooled.buffer();
        actions.forEach(a -> a.writeTo(buf));
        return buf;
    }

    private static ByteBuf instructions(List<OFInstruction> instructions) {
        ByteBuf buf = Unpooled.buffer();
        instructions.forEach(i -> i.writeTo(buf));
        return buf;
    }

    @Test
    void openFlow10ActionsAndOpenFlow13InstructionsDecodeAsTheMonitorDecodesThem() {
        OFFactory f10 = OFFactories.getFactory(OFVersion.OF_10);
        assertEquals(Optional.of(List.of(new Action.Output(new PortNo(2)))),
                FlowModActions.decode(1, actions(List.of(f10.actions().output(OFPort.of(2), 0xffff)))));
        OFFactory f13 = OFFactories.getFactory(OFVersion.OF_13);
        assertEquals(Optional.of(List.of(new Action.Output(new PortNo(2)), new Action.GotoTable(3))),
                FlowModActions.decode(4, instructions(List.of(f13.instructions().gotoTable(TableId.of(3)),
                        f13.instructions().applyActions(List.of(f13.actions().output(OFPort.of(2), 0xffff)))))),
                "apply-actions first, goto_table last, as the model orders them");
        assertEquals(Optional.of(List.of()), FlowModActions.decode(4, Unpooled.buffer()), "no instruction: drop");
    }

    @Test
    void anUnknownVersionOrAMalformedListCannotBeCompared() {
        assertEquals(Optional.empty(), FlowModActions.decode(2, Unpooled.buffer()), "OpenFlow 1.1");
        ByteBuf cut = actions(List.of(OFFactories.getFactory(OFVersion.OF_10).actions().output(OFPort.of(2), 0xffff)));
        assertEquals(Optional.empty(), FlowModActions.decode(1, cut.slice(0, 6)), "an action cut short");
        ByteBuf badLength = Unpooled.buffer().writeShort(0).writeShort(3).writeInt(0);
        assertEquals(Optional.empty(), FlowModActions.decode(1, badLength), "a length that does not fit");
    }
}
