package org.ovshighway.ovs.openflow;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Optional;
import org.ovshighway.p2p.flow.Action;

/**
 * The actions of a FLOW_MOD on its way to the switch, in the detector's terms, decoded exactly as
 * the flow monitor decodes the same rule's actions when the switch reports it
 * ({@link ActionDecoder}): so a rule a controller sends can be compared with the rule the mirror
 * holds.
 */
public final class FlowModActions {
    private FlowModActions() {
    }

    /**
     * The actions in {@code list}: an OpenFlow 1.0 action list when {@code wireVersion} is 1 (plain
     * FLOW_MOD or Nicira NXT_FLOW_MOD), an instruction list for 1.3 to 1.5; empty for another
     * version or a malformed list (the caller then cannot compare).
     */
    public static Optional<List<Action>> decode(int wireVersion, ByteBuf list) {
        Optional<OpenFlowVersion> version = OpenFlowVersion.fromWire(wireVersion);
        if (version.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(version.get() == OpenFlowVersion.OF10 ? ActionDecoder.of10Actions(list, "FLOW_MOD")
                    : ActionDecoder.instructions(version.get(), list, "FLOW_MOD"));
        } catch (MalformedUpdateException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
