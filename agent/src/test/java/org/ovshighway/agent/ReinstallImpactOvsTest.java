package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ovshighway.ovs.openflow.BridgeEndpoint;
import org.ovshighway.ovs.openflow.BridgeFlowMonitor;
import org.ovshighway.ovs.testing.PrivateOvs;
import org.ovshighway.p2p.P2pDetector;
import org.ovshighway.p2p.flow.PortNo;
import org.ovshighway.proxy.impact.FlowChangeClassifier;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;

/**
 * A controller re-installing the rules a point-to-point direction takes, against a real OVS whose
 * flow monitor fed the detector: the rule the mirror learnt from OVS's update and the FLOW_MOD the
 * controller sends (OpenFlow 1.3 and 1.5, as openflowj encodes them) compare equal, so the re-install
 * is not held; a changed one is. Needs root.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReinstallImpactOvsTest {
    private static final PortNo P1 = new PortNo(1);
    private static final PortNo P2 = new PortNo(2);

    private static void waitFor(Object lock, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            synchronized (lock) {
                if (condition.getAsBoolean()) {
                    return;
                }
            }
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(10);
        }
    }

    private static ByteBuf gotoRule(OFFactory f, int table) {
        ByteBuf buf = Unpooled.buffer();
        f.buildFlowAdd().setTableId(TableId.of(0)).setPriority(1000)
                .setMatch(f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(1)).build())
                .setInstructions(List.of(f.instructions().gotoTable(TableId.of(table)))).build().writeTo(buf);
        return buf;
    }

    @Test
    void theRuleALinkTakesSentAgainUnchangedIsNotHeld() throws Exception {
        assumeTrue(PrivateOvs.isRoot(), "OVS needs root");
        P2pDetector detector = new P2pDetector(e -> { });
        detector.setCandidatePorts(Set.of(P1, P2));
        Object lock = new Object();
        try (PrivateOvs ovs = PrivateOvs.start("br0")) {
            for (int p = 1; p <= 2; p++) {
                ovs.vsctl("add-port", "br0", "p" + p, "--", "set", "Interface", "p" + p, "type=dummy", "ofport_request=" + p);
            }
            try (BridgeFlowMonitor monitor = BridgeFlowMonitor.start(BridgeEndpoint.managementSocket(ovs.runDir(), "br0"),
                    event -> {
                        synchronized (lock) {
                            detector.accept(event);
                        }
                    })) {
                ovs.ofctl("del-flows", "br0");
                ovs.ofctl("-O", "OpenFlow13", "add-flow", "br0", "table=0,priority=1000,in_port=1,actions=goto_table:1");
                ovs.ofctl("-O", "OpenFlow13", "add-flow", "br0", "table=1,priority=5,in_port=1,actions=output:2");
                waitFor(lock, () -> monitor.resyncCount() >= 1 && !detector.isResyncing() && detector.isPointToPoint(P1, P2),
                        "1 -> 2 point-to-point");
                BypassController.Verdicts tables;
                synchronized (lock) {
                    tables = DetectorVerdicts.of(detector);
                    for (OFVersion version : List.of(OFVersion.OF_13, OFVersion.OF_15)) {
                        OFFactory f = OFFactories.getFactory(version);
                        ByteBuf again = gotoRule(f, 1);
                        assertTrue(FlowChangeClassifier.classify(again).mayAffect(1, 2), "by ports: " + version);
                        assertFalse(AdditionImpact.of(again, FlowChangeClassifier.classify(again), tables).orElseThrow()
                                .mayAffect(1, 2), "the same rule again, " + version);
                        ByteBuf changed = gotoRule(f, 2);
                        assertTrue(AdditionImpact.of(changed, FlowChangeClassifier.classify(changed), tables).orElseThrow()
                                .mayAffect(1, 2), "goto_table:2 instead, " + version);
                    }
                }
            }
        }
    }
}
