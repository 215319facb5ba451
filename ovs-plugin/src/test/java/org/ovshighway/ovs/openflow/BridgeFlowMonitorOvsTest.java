package org.ovshighway.ovs.openflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ovshighway.ovs.testing.PrivateOvs;
import org.ovshighway.p2p.flow.Action;
import org.ovshighway.p2p.flow.FlowEvent;
import org.ovshighway.p2p.flow.GroupEntry;
import org.ovshighway.p2p.flow.RemovalReason;

/**
 * The monitor against a real private userspace OVS started through testbed/ovs-up (installed by the
 * script when missing): initial dump, rules added by ovs-ofctl (goto_table, groups, an idle timeout
 * that expires, a delete), a group change, then ovs-vswitchd killed and restarted. Skips only when
 * not root; always stops the OVS it started.
 */
class BridgeFlowMonitorOvsTest {

    private static final long WAIT_SECONDS = 15;

    @BeforeAll
    static void needsRoot() {
        assumeTrue(PrivateOvs.isRoot(), "needs root to start a private OVS");
    }

    @ParameterizedTest
    @EnumSource(OpenFlowVersion.class)
    void mirrorsRulesAndResynchronisesAfterVswitchdRestart(OpenFlowVersion version) throws Exception {
        BlockingQueue<FlowEvent> events = new LinkedBlockingQueue<>();
        try (PrivateOvs ovs = PrivateOvs.start("br0")) {
            ovs.ofctl("-O", "OpenFlow13", "add-group", "br0", "group_id=1,type=indirect,bucket=output:3");
            ovs.ofctl("-O", "OpenFlow13", "add-flow", "br0", "table=0,priority=10,in_port=1,actions=output:2");
            try (BridgeFlowMonitor monitor = BridgeFlowMonitor.start(
                    BridgeEndpoint.managementSocket(ovs.runDir(), "br0"), EnumSet.of(version), events::add)) {
                assertEquals(new FlowEvent.ResyncStarted(), next(events));
                List<FlowEvent> dump = untilResyncCompleted(events);
                // The group table is requested before the flow monitor, so a dump lists groups first.
                List<String> expected = new ArrayList<>();
                if (version != OpenFlowVersion.OF10) {
                    expected.add("GroupAdded group_id=1,type=indirect,bucket=output:3");
                }
                expected.add("FlowAdded table 0 priority 10 in_port=1: actions=output:2");
                assertEquals(expected, dump.stream().map(BridgeFlowMonitorOvsTest::describe).toList());
                assertEquals(version, monitor.version().orElseThrow());
                assertEquals(ConnectionState.MONITORING, monitor.state());

                ovs.ofctl("-O", "OpenFlow13", "add-flow", "br0", "table=0,priority=20,in_port=2,actions=goto_table:1");
                FlowEvent.FlowAdded gotoFlow = assertInstanceOf(FlowEvent.FlowAdded.class, next(events));
                assertEquals(List.of(new Action.GotoTable(1)), gotoFlow.flow().actions());

                ovs.ofctl("-O", "OpenFlow13", "add-flow", "br0", "table=1,priority=5,actions=group:1");
                FlowEvent.FlowAdded groupFlow = assertInstanceOf(FlowEvent.FlowAdded.class, next(events));
                assertEquals(1, groupFlow.flow().tableId());
                if (version != OpenFlowVersion.OF10) {
                    assertEquals(List.of(new Action.Group(1)), groupFlow.flow().actions());
                    ovs.ofctl("-O", "OpenFlow13", "mod-group", "br0", "group_id=1,type=indirect,bucket=output:4");
                    FlowEvent.GroupModified modified = assertInstanceOf(FlowEvent.GroupModified.class, next(events));
                    GroupEntry g = modified.group();
                    assertEquals(List.of(new Action.Output(org.ovshighway.p2p.flow.PortNo.of(4))), g.buckets().get(0).actions());
                }

                ovs.ofctl("-O", "OpenFlow13", "add-flow", "br0", "table=0,priority=30,in_port=3,idle_timeout=1,actions=drop");
                FlowEvent.FlowAdded expiring = assertInstanceOf(FlowEvent.FlowAdded.class, next(events));
                assertEquals(1, expiring.flow().idleTimeout());
                FlowEvent.FlowRemoved expired = assertInstanceOf(FlowEvent.FlowRemoved.class, next(events));
                assertEquals(expiring.flow().key(), expired.key());
                assertEquals(RemovalReason.IDLE_TIMEOUT, expired.reason());

                ovs.ofctl("-O", "OpenFlow13", "del-flows", "br0", "table=0,in_port=2");
                FlowEvent.FlowRemoved deleted = assertInstanceOf(FlowEvent.FlowRemoved.class, next(events));
                assertEquals(gotoFlow.flow().key(), deleted.key());
                assertEquals(RemovalReason.DELETE, deleted.reason());

                // Crash and restart ovs-vswitchd: the mirror says it is out of sync, then reloads from scratch.
                ovs.killVswitchd();
                assertEquals(new FlowEvent.ResyncStarted(), next(events));
                ovs.restart("br0");
                ovs.ofctl("-O", "OpenFlow13", "add-flow", "br0", "table=0,priority=7,in_port=5,actions=output:6");
                List<FlowEvent> fresh = new ArrayList<>(untilResyncCompleted(events));
                // Flows do not survive a vswitchd restart: the fresh dump holds only what was added since.
                // The monitor may reconnect before or after add-flow: the rule comes in the dump or live right after it.
                if (fresh.stream().noneMatch(e -> e instanceof FlowEvent.FlowAdded)) {
                    fresh.add(next(events));
                }
                assertEquals(1, fresh.stream().filter(e -> e instanceof FlowEvent.FlowAdded).count(), () -> "fresh dump: " + fresh);
                FlowEvent.FlowAdded after = (FlowEvent.FlowAdded) fresh.stream().filter(e -> e instanceof FlowEvent.FlowAdded).findFirst().orElseThrow();
                assertEquals("table 0 priority 7 in_port=5: actions=output:6", after.flow().toString());
                assertEquals(2, monitor.resyncCount());
            }
        }
    }

    /**
     * What the agent relies on to link a pair right after a controller's change: once a change is
     * applied (ovs-ofctl returns after its own barrier reply), a barrier on the monitor connection
     * completes only after the monitor delivered that change's update.
     */
    @ParameterizedTest
    @EnumSource(OpenFlowVersion.class)
    void aBarrierCompletesAfterTheUpdatesOfEveryAppliedChange(OpenFlowVersion version) throws Exception {
        BlockingQueue<FlowEvent> events = new LinkedBlockingQueue<>();
        try (PrivateOvs ovs = PrivateOvs.start("br0")) {
            BridgeFlowMonitor monitor = BridgeFlowMonitor.start(BridgeEndpoint.managementSocket(ovs.runDir(), "br0"),
                    EnumSet.of(version), events::add);
            try (monitor) {
                assertEquals(new FlowEvent.ResyncStarted(), next(events));
                untilResyncCompleted(events);
                for (int i = 1; i <= 30; i++) {
                    ovs.ofctl("add-flow", "br0", "priority=" + (100 + i) + ",in_port=" + i + ",actions=output:" + (i + 1));
                    monitor.barrier().get(WAIT_SECONDS, TimeUnit.SECONDS);
                    FlowEvent update = events.poll();
                    assertNotNull(update, "round " + i + ": the barrier completed before the applied change's update");
                    FlowEvent.FlowAdded added = assertInstanceOf(FlowEvent.FlowAdded.class, update);
                    assertEquals(100 + i, added.flow().priority());
                }
            }
            java.util.concurrent.ExecutionException closed = org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.concurrent.ExecutionException.class, () -> monitor.barrier().get(WAIT_SECONDS, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, closed.getCause());
        }
    }

    private static String describe(FlowEvent e) {
        return switch (e) {
            case FlowEvent.FlowAdded a -> "FlowAdded " + a.flow();
            case FlowEvent.GroupAdded g -> "GroupAdded " + g.group();
            default -> e.toString();
        };
    }

    private static FlowEvent next(BlockingQueue<FlowEvent> events) throws InterruptedException {
        FlowEvent e = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(e, "no flow event within " + WAIT_SECONDS + " s");
        return e;
    }

    private static List<FlowEvent> untilResyncCompleted(BlockingQueue<FlowEvent> events) throws InterruptedException {
        List<FlowEvent> dump = new ArrayList<>();
        for (FlowEvent e = next(events); !(e instanceof FlowEvent.ResyncCompleted); e = next(events)) {
            dump.add(e);
        }
        return dump;
    }
}
