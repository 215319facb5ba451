package org.ovshighway.p2p.flow;

import java.util.Objects;

/**
 * A change of the switch's flow or group tables, as the mirror consumes them, in the order the
 * switch applied them. Flows are identified by {@link FlowKey} (table, priority, match).
 *
 * <p>A (re)synchronisation is {@link ResyncStarted}, then the full dump as {@link FlowAdded} and
 * {@link GroupAdded} events, then {@link ResyncCompleted}. The initial dump after connecting is a
 * resync too. Between the two markers the mirror holds its published verdicts, so a half-loaded
 * table never makes a direction look point-to-point.
 */
public sealed interface FlowEvent {

    /** A flow was added; an existing entry with the same key is replaced, as OpenFlow's add does. */
    record FlowAdded(FlowEntry flow) implements FlowEvent {
        public FlowAdded {
            Objects.requireNonNull(flow, "flow");
        }
    }

    /** The actions, timeouts, cookie or flags of the flow with the same key changed. */
    record FlowModified(FlowEntry flow) implements FlowEvent {
        public FlowModified {
            Objects.requireNonNull(flow, "flow");
        }
    }

    /** The flow with this key left the table, deleted or expired. */
    record FlowRemoved(FlowKey key, RemovalReason reason) implements FlowEvent {
        public FlowRemoved {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** A group was added; an existing group with the same id is replaced. */
    record GroupAdded(GroupEntry group) implements FlowEvent {
        public GroupAdded {
            Objects.requireNonNull(group, "group");
        }
    }

    /** The group with this id changed type or buckets. */
    record GroupModified(GroupEntry group) implements FlowEvent {
        public GroupModified {
            Objects.requireNonNull(group, "group");
        }
    }

    /** The group with this id was deleted (the switch removes the flows using it with their own events). */
    record GroupDeleted(long groupId) implements FlowEvent {
        public GroupDeleted {
            GroupEntry.requireGroupId(groupId);
        }
    }

    /** Forget every flow and group: a full dump follows, closed by {@link ResyncCompleted}. */
    record ResyncStarted() implements FlowEvent {
    }

    /** The dump announced by {@link ResyncStarted} is complete; verdicts are recomputed and published. */
    record ResyncCompleted() implements FlowEvent {
    }
}
