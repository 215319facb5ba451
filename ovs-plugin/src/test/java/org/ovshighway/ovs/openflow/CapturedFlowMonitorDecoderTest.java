package org.ovshighway.ovs.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ovshighway.ovs.openflow.InboundMessage.FlowMonitorReply;
import org.ovshighway.ovs.openflow.InboundMessage.GroupDescReply;
import org.ovshighway.ovs.openflow.InboundMessage.Parsed;
import org.ovshighway.ovs.openflow.InboundMessage.RequestForwarded;
import org.projectfloodlight.openflow.protocol.OFGroupDescStatsEntry;
import org.projectfloodlight.openflow.protocol.OFGroupDescStatsReply;

/**
 * Decodes flow-monitor traffic captured from real OVS 3.1.0 (Debian 12) with {@link FlowMonitorCapture}:
 * a private userspace OVS started by testbed/ovs-up, bridge br0, one capture per monitor version,
 * the scenario of {@link FlowMonitorCapture#STEPS}. Expectations are what those ovs-ofctl commands mean.
 */
class CapturedFlowMonitorDecoderTest {

    /** Common to all versions: the flows the scenario creates, modifies, expires and deletes. */
    private static final String DUMP = "table 0 priority 10 in_port=1: actions=output:2";
    private static final String GOTO = "table 0 priority 20 in_port=2: actions=goto_table:1";
    private static final String SETFIELD_GROUP = "table 1 priority 5 eth_type=0x0800,ipv4_dst=10.0.0.1: actions=set_field:eth_dst=aa:bb:cc:dd:ee:ff,group:1";
    private static final String MODIFIED = "table 0 priority 10 in_port=1: actions=output:3";
    private static final String IDLE = "table 0 priority 30 in_port=3: idle_timeout=1 actions=drop";

    @Test
    void openFlow15() throws Exception {
        assertEquals(List.of(
                "hello",
                "groups xid=4096 more=false [group_id=1,type=indirect,bucket=output:3]",
                "INITIAL " + DUMP,
                "ADDED " + GOTO,
                "ADDED " + SETFIELD_GROUP,
                "MODIFIED " + MODIFIED,
                "ADDED table 2 priority 1 *: actions=experimenter action experimenter=0x00002320 subtype=16 length=48,experimenter action experimenter=0x00002320 subtype=14 length=16",
                "ADDED " + IDLE,
                "REMOVED IDLE_TIMEOUT table 0 priority 30 in_port=3",
                "REMOVED DELETE table 0 priority 20 in_port=2",
                "request-forward",
                "groups xid=4097 more=false [group_id=1,type=indirect,bucket=output:4]"),
                render(CapturedFrames.load("flowmon-of15.hex")));
    }

    @Test
    void openFlow14() throws Exception {
        List<String> lines = render(CapturedFrames.load("flowmon-of14.hex"));
        assertEquals("groups xid=4096 more=false [group_id=1,type=indirect,bucket=output:3]", lines.get(1));
        assertEquals("INITIAL " + DUMP, lines.get(2));
        assertEquals(List.of("ADDED " + GOTO, "ADDED " + SETFIELD_GROUP, "MODIFIED " + MODIFIED), lines.subList(3, 6));
        assertEquals(List.of("ADDED " + IDLE, "REMOVED IDLE_TIMEOUT table 0 priority 30 in_port=3",
                "REMOVED DELETE table 0 priority 20 in_port=2", "request-forward",
                "groups xid=4097 more=false [group_id=1,type=indirect,bucket=output:4]"), lines.subList(7, 12));
    }

    @Test
    void openFlow13OnfDialect() throws Exception {
        List<String> lines = render(CapturedFrames.load("flowmon-of13.hex"));
        assertEquals("groups xid=4096 more=false [group_id=1,type=indirect,bucket=output:3]", lines.get(1));
        // The ONF dialect has no INITIAL event: the dump is ADDED inside the reply to the request (xid 3).
        assertEquals("ADDED xid=3 " + DUMP, lines.get(2));
        assertEquals(List.of("ADDED " + GOTO, "ADDED " + SETFIELD_GROUP, "MODIFIED " + MODIFIED), lines.subList(3, 6));
        assertEquals(List.of("ADDED " + IDLE, "REMOVED IDLE_TIMEOUT table 0 priority 30 in_port=3",
                "REMOVED DELETE table 0 priority 20 in_port=2", "request-forward",
                "groups xid=4097 more=false [group_id=1,type=indirect,bucket=output:4]"), lines.subList(7, 12));
    }

    @Test
    void openFlow10NiciraDialect() throws Exception {
        List<String> lines = render(CapturedFrames.load("flowmon-of10.hex"));
        assertEquals("ADDED xid=3 " + DUMP, lines.get(1));
        // OVS writes goto_table as resubmit(IN_PORT,1) for 1.0; as the last action it is goto_table.
        assertEquals("ADDED " + GOTO, lines.get(2));
        assertEquals("MODIFIED " + MODIFIED, lines.get(4));
        assertEquals(List.of("ADDED " + IDLE, "REMOVED IDLE_TIMEOUT table 0 priority 30 in_port=3",
                "REMOVED DELETE table 0 priority 20 in_port=2"), lines.subList(6, 9));
    }

    /** One line per decoded message or update, in wire order. */
    static List<String> render(CapturedFrames c) {
        OpenFlowMessageDecoder decoder = new OpenFlowMessageDecoder();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < c.frames().size(); i++) {
            for (InboundMessage m : decoder.decode(c.frame(i))) {
                switch (m) {
                    case FlowMonitorReply r -> r.updates().forEach(u -> out.add(render(u, r.xid())));
                    case GroupDescReply g -> out.add("groups xid=" + g.xid() + " more=" + g.more() + " " + g.groups());
                    case Parsed(OFGroupDescStatsReply g) -> {
                        List<String> groups = new ArrayList<>();
                        for (OFGroupDescStatsEntry e : g.getEntries()) {
                            try {
                                groups.add(GroupConverter.convert(e).toString());
                            } catch (MalformedUpdateException ex) {
                                groups.add("malformed " + ex.getMessage());
                            }
                        }
                        out.add("groups xid=" + g.getXid() + " more=false " + groups);
                    }
                    case RequestForwarded r -> out.add("request-forward");
                    case Parsed p -> out.add(p.message().getType().name().toLowerCase());
                    default -> out.add(m.toString());
                }
            }
        }
        return out;
    }

    private static String render(FlowUpdate u, long xid) {
        String kind = u.kind() + (xid != 0 && u.kind() == FlowUpdate.Kind.ADDED ? " xid=" + xid : "");
        if (u.kind() == FlowUpdate.Kind.REMOVED) {
            return kind + " " + u.reason() + " " + u.key();
        }
        return kind + " " + u.entry();
    }
}
