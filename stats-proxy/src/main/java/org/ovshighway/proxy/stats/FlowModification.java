package org.ovshighway.proxy.stats;

import io.netty.buffer.ByteBuf;
import java.util.Objects;
import java.util.Optional;
import org.ovshighway.p2p.flow.FlowEntry;

/**
 * What a MODIFY or MODIFY_STRICT FLOW_MOD does to the switch's tables, as OVS applies it
 * ({@code ofproto.c modify_flows_start__}): it gives new actions to the rules it selects, which are
 * the ones a delete with the same table, cookie filter, priority and match would remove, or a
 * superset of them ({@link #changes}); when it selects none, OVS may add its rule instead (OpenFlow
 * 1.0 always, later versions unless a cookie mask is set), so {@link #addsWhenNoneMatch} is the rule
 * it may add. What the new actions do is {@link org.ovshighway.proxy.impact.FlowChangeClassifier}'s
 * part. OpenFlow 1.1 FLOW_MODs are not decoded. Frame layouts: {@link FlowModFrame}.
 *
 * @param selection         the rules it changes, as a delete's selection ({@link FlowDeletion#removes})
 * @param addsWhenNoneMatch the rule it adds when it changes none
 */
public record FlowModification(FlowDeletion selection, FlowAddition addsWhenNoneMatch) {

    public FlowModification {
        Objects.requireNonNull(selection, "selection");
        Objects.requireNonNull(addsWhenNoneMatch, "addsWhenNoneMatch");
    }

    /** Whether applying this FLOW_MOD may change {@code flow}'s actions (a superset, as {@link FlowDeletion#removes}). */
    public boolean changes(FlowEntry flow) {
        return selection.removes(flow);
    }

    /**
     * The modification {@code frame} (one whole message toward the switch; not modified) asks for, or
     * empty: not a modify, or one this class does not decode (OpenFlow 1.1, too short, malformed).
     */
    public static Optional<FlowModification> of(ByteBuf frame) {
        Optional<FlowModFrame> decoded = FlowModFrame.of(frame);
        if (decoded.isEmpty()) {
            return Optional.empty();
        }
        FlowModFrame flowMod = decoded.get();
        int command = flowMod.command();
        if (command != FlowModFrame.MODIFY && command != FlowModFrame.MODIFY_STRICT) {
            return Optional.empty();
        }
        try {
            return Optional.of(new FlowModification(FlowDeletion.selection(flowMod, command == FlowModFrame.MODIFY_STRICT),
                    FlowAddition.rule(flowMod)));
        } catch (MalformedStatsException | IllegalArgumentException | IndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }
}
