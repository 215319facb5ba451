package org.ovshighway.p2p.flow;

import java.util.Objects;

/**
 * One action or instruction of a flow entry or group bucket, in execution order. Only what the
 * point-to-point decision distinguishes has its own type; everything else (learn, ct, clone,
 * sample, resubmit, write_actions, write_metadata, variable outputs, other extensions) is
 * {@link Other}, which the detector treats as "may do anything", hence never point-to-point.
 */
public sealed interface Action {

    /** output:port, reserved ports included (CONTROLLER, LOCAL, FLOOD, ALL, NORMAL, IN_PORT, TABLE, ANY). */
    record Output(PortNo port) implements Action {
        public Output {
            Objects.requireNonNull(port, "port");
        }

        @Override
        public String toString() {
            return "output:" + port;
        }
    }

    /** group:id (OpenFlow group action). */
    record Group(long groupId) implements Action {
        public Group {
            GroupEntry.requireGroupId(groupId);
        }

        @Override
        public String toString() {
            return "group:" + groupId;
        }
    }

    /** goto_table:id instruction; the converter places it last, as OpenFlow executes it last. */
    record GotoTable(int tableId) implements Action {
        public GotoTable {
            FlowEntry.requireTableId(tableId);
        }

        @Override
        public String toString() {
            return "goto_table:" + tableId;
        }
    }

    /** set_field (with optional mask): a header rewrite of one field. */
    record SetField(FieldMatch assignment) implements Action {
        public SetField {
            Objects.requireNonNull(assignment, "assignment");
        }

        @Override
        public String toString() {
            return "set_field:" + assignment;
        }
    }

    /** Any other header rewrite: push/pop VLAN or MPLS, dec_ttl, copy_ttl, set_nw_ttl, mod_* of OpenFlow 1.0... */
    record HeaderRewrite(String description) implements Action {
        public HeaderRewrite {
            Objects.requireNonNull(description, "description");
        }

        @Override
        public String toString() {
            return description;
        }
    }

    /** set_queue:id (or the queue part of OpenFlow 1.0 enqueue). */
    record SetQueue(long queueId) implements Action {
        @Override
        public String toString() {
            return "set_queue:" + queueId;
        }
    }

    /** meter:id instruction (or action in OpenFlow 1.5). */
    record Meter(long meterId) implements Action {
        @Override
        public String toString() {
            return "meter:" + meterId;
        }
    }

    /** Anything else, described as ovs-ofctl would print it; never point-to-point. */
    record Other(String description) implements Action {
        public Other {
            Objects.requireNonNull(description, "description");
        }

        @Override
        public String toString() {
            return description;
        }
    }
}
