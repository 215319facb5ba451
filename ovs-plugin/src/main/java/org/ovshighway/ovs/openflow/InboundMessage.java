package org.ovshighway.ovs.openflow;

import java.util.HexFormat;
import java.util.List;
import org.projectfloodlight.openflow.protocol.OFMessage;

/** What the message decoder hands up the pipeline: one per OpenFlow message received. */
public sealed interface InboundMessage {

    /** The header's transaction id. */
    long xid();

    /** A message openflowj parsed (HELLO, ECHO, ERROR, GROUP_DESC replies...). */
    record Parsed(OFMessage message) implements InboundMessage {
        @Override
        public long xid() {
            return message.getXid();
        }
    }

    /** One flow-monitor reply (one part of a multipart reply): {@code more} says another part follows. */
    record FlowMonitorReply(long xid, boolean more, List<FlowUpdate> updates) implements InboundMessage {
        public FlowMonitorReply {
            updates = List.copyOf(updates);
        }
    }

    /** One part of a group-description reply decoded here (OpenFlow 1.5, which openflowj misreads). */
    record GroupDescReply(long xid, boolean more, List<org.ovshighway.p2p.flow.GroupEntry> groups) implements InboundMessage {
        public GroupDescReply {
            groups = List.copyOf(groups);
        }
    }

    /** OVS stopped sending updates (its buffer for this connection filled up); updates are lost until resumed. */
    record FlowMonitorPaused(long xid) implements InboundMessage {
    }

    /** OVS resumed sending updates after a pause. */
    record FlowMonitorResumed(long xid) implements InboundMessage {
    }

    /** Another client changed a group (or meter): REQUESTFORWARD of any dialect. */
    record RequestForwarded(long xid) implements InboundMessage {
    }

    /** A message neither openflowj nor this package decodes and that Highway does not need; ignored. */
    record Unhandled(long xid, int version, int type, String why) implements InboundMessage {
    }

    /**
     * A message this package must understand but could not: the update stream is no longer
     * trustworthy, so the monitor resynchronises. {@code bytes} is the whole message.
     */
    record Malformed(long xid, String problem, byte[] bytes) implements InboundMessage {
        public Malformed {
            bytes = bytes.clone();
        }

        public String hex() {
            return HexFormat.of().formatHex(bytes);
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }
    }
}
