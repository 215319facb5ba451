package org.ovshighway.ovs.openflow;

import java.util.List;
import java.util.Objects;
import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.FlowKey;
import org.ovshighway.p2p.flow.Match;
import org.ovshighway.p2p.flow.RemovalReason;

/**
 * One decoded flow-monitor update, the same for every dialect. {@code actions} is empty for
 * {@link Kind#REMOVED} (OVS sends no instructions with a removal) and {@code reason} is
 * meaningful only for it.
 */
public record FlowUpdate(Kind kind, int tableId, int priority, long cookie, int idleTimeout, int hardTimeout,
                         RemovalReason reason, Match match, List<Action> actions) {

    public enum Kind {
        /** In the dump requested with the monitor (OpenFlow 1.4+ says so; NX/ONF say ADDED inside the request's reply). */
        INITIAL,
        ADDED,
        MODIFIED,
        REMOVED
    }

    public FlowUpdate {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(match, "match");
        actions = List.copyOf(actions);
    }

    public FlowKey key() {
        return new FlowKey(tableId, priority, match);
    }

    /** The entry as the switch now holds it; flags are not reported by flow monitoring, so none. */
    public FlowEntry entry() {
        return new FlowEntry(tableId, priority, cookie, match, actions, idleTimeout, hardTimeout, java.util.Set.of());
    }

    /** OFPRR_* of OpenFlow 1.4+ (the NX dialect uses the same numbers) to the model's reason. */
    static RemovalReason removalReason(int ofprr) {
        return switch (ofprr) {
            case 0 -> RemovalReason.IDLE_TIMEOUT;
            case 1 -> RemovalReason.HARD_TIMEOUT;
            case 2 -> RemovalReason.DELETE;
            case 3 -> RemovalReason.GROUP_DELETE;
            case 4 -> RemovalReason.METER_DELETE;
            case 5 -> RemovalReason.EVICTION;
            default -> RemovalReason.UNKNOWN;
        };
    }
}
