package org.ovshighway.proxy.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ovshighway.ovs.openflow.BridgeEndpoint;
import org.ovshighway.ovs.openflow.BridgeFlowMonitor;
import org.ovshighway.ovs.openflow.OpenFlowVersion;
import org.ovshighway.ovs.testing.PrivateOvs;
import org.ovshighway.p2p.flow.FlowEntry;
import org.ovshighway.p2p.flow.FlowEvent;
import org.ovshighway.proxy.StatsRewriter;

/**
 * The key the agent will use: extras built with {@link FlowExtra#of} from the flows the agent's
 * real flow mirror reports (ovs-plugin's {@link BridgeFlowMonitor}, in each monitor dialect) must
 * reach the same flows in the flow-stats and aggregate replies ovs-ofctl gets through the relay,
 * in every OpenFlow version: every one of the scenario's rules, and rules whose fields OVS encodes
 * differently per version, gets its own extra.
 */
class RealOvsMirrorKeyTest {

    private static final List<String> OFCTL_VERSIONS = List.of("OpenFlow10", "OpenFlow12", "OpenFlow13", "OpenFlow14", "OpenFlow15");

    /**
     * Rules whose fields OVS writes differently in NXM (OpenFlow 1.0) and OXM (1.2+, ONF
     * experimenter fields on 1.3/1.4): VLAN as vlan_tci vs vlan_vid/vlan_pcp, TOS as nw_tos vs
     * ip_dscp, NXM_NX_* vs OXM basic headers, tcp_flags in three encodings.
     */
    static final List<String> ENCODING_SENSITIVE = List.of(
            "table=2,priority=20,dl_vlan=5,actions=output:1",
            "table=2,priority=19,vlan_tci=0,actions=output:1",
            "table=2,priority=18,dl_vlan_pcp=3,actions=output:1",
            "table=2,priority=17,dl_vlan=7,dl_vlan_pcp=2,actions=output:1",
            "table=2,priority=16,ip,nw_tos=32,actions=output:1",
            "table=2,priority=15,ip,nw_ecn=1,actions=output:1",
            "table=2,priority=14,ipv6,ipv6_src=2001:db8::1,ipv6_dst=2001:db8::/32,actions=output:1",
            "table=2,priority=13,tcp,tcp_flags=+syn-ack,actions=output:1",
            "table=2,priority=12,arp,arp_sha=50:54:00:00:00:01,arp_tha=50:54:00:00:00:02,actions=output:1",
            "table=2,priority=11,ipv6,ipv6_label=5,actions=output:1",
            "table=2,priority=10,icmp6,icmp_type=135,icmp_code=0,nd_target=2001:db8::2,nd_sll=50:54:00:00:00:03,actions=output:1",
            "table=2,priority=9,tun_id=0x42,actions=output:1",
            "table=2,priority=8,reg3=0x10/0xf0,actions=output:1");

    private static PrivateOvs ovs;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(PrivateOvs.isRoot(), "starting OVS needs root");
        ovs = PrivateOvs.start("br0");
        StatsScenario.setUp(ovs);
        StatsScenario.addManyFlows(ovs);
        for (String flow : ENCODING_SENSITIVE) {
            ovs.ofctl("-O", "OpenFlow13", "add-flow", "br0", flow);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (ovs != null) {
            ovs.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = OpenFlowVersion.class, names = {"OF10", "OF15"})
    void extrasKeyedByTheMirrorsFlowsReachTheirRepliesInEveryVersion(OpenFlowVersion monitorVersion) throws Exception {
        List<FlowEntry> mirrored = mirror(monitorVersion);
        assertEquals(4 + StatsScenario.MANY_FLOWS + ENCODING_SENSITIVE.size(), mirrored.size(), "mirror size");
        List<FlowExtra> flows = new ArrayList<>();
        Map<String, long[]> byLine = new HashMap<>();
        long totalPackets = 0;
        long totalBytes = 0;
        for (int i = 0; i < mirrored.size(); i++) {
            FlowEntry e = mirrored.get(i);
            long packets = 1_000 + 7L * i;
            long bytes = 100_000 + 13L * i;
            flows.add(FlowExtra.of(e, packets, bytes));
            byLine.put(e.tableId() + "/" + e.cookie() + "/" + e.priority(), new long[] {packets, bytes});
            totalPackets += packets;
            totalBytes += bytes;
        }
        ExtraCounters counters = new ExtraCounters() {
            @Override
            public PortExtra port(long portNo) {
                return PortExtra.NONE;
            }

            @Override
            public List<FlowExtra> flows() {
                return flows;
            }
        };
        List<CounterMergingRewriter> rewriters = new ArrayList<>();
        StatsRewriter.Factory factory = name -> {
            CounterMergingRewriter r = new CounterMergingRewriter(name, counters);
            synchronized (rewriters) {
                rewriters.add(r);
            }
            return r;
        };
        try (TestOnlyPassThroughRelay relay = TestOnlyPassThroughRelay.start(ovs.managementSocket("br0"), factory)) {
            for (String version : OFCTL_VERSIONS) {
                String direct = ovs.ofctl("-O", version, "dump-flows", "br0");
                String proxied = ovs.ofctl("-O", version, "dump-flows", relay.target());
                String expected = OfctlText.withExtras(direct, (t, c, p) -> byLine.get(t + "/" + c + "/" + p), n -> PortExtra.NONE, null);
                assertEquals(OfctlText.timeless(expected), OfctlText.timeless(proxied), "dump-flows version=" + version);
                String directAggregate = ovs.ofctl("-O", version, "dump-aggregate", "br0");
                String proxiedAggregate = ovs.ofctl("-O", version, "dump-aggregate", relay.target());
                assertEquals(OfctlText.timeless(OfctlText.withExtras(directAggregate, (t, c, p) -> null, n -> PortExtra.NONE,
                        new long[] {totalPackets, totalBytes})), OfctlText.timeless(proxiedAggregate), "dump-aggregate version=" + version);
            }
        }
        synchronized (rewriters) {
            assertTrue(rewriters.stream().allMatch(r -> r.malformedFrames() == 0), "a real OVS reply was not understood");
        }
    }

    /** The flows of the bridge as the agent's mirror reports them in its initial dump. */
    private static List<FlowEntry> mirror(OpenFlowVersion version) throws Exception {
        BlockingQueue<FlowEvent> events = new LinkedBlockingQueue<>();
        List<FlowEntry> flows = new ArrayList<>();
        try (BridgeFlowMonitor monitor = BridgeFlowMonitor.start(BridgeEndpoint.managementSocket(ovs.runDir(), "br0"),
                EnumSet.of(version), events::add)) {
            while (true) {
                FlowEvent e = events.poll(30, TimeUnit.SECONDS);
                if (e == null) {
                    throw new AssertionError("no initial dump from the flow monitor: version=" + version + " flows=" + flows.size());
                }
                if (e instanceof FlowEvent.FlowAdded added) {
                    flows.add(added.flow());
                } else if (e instanceof FlowEvent.ResyncCompleted) {
                    return flows;
                }
            }
        }
    }
}
