package org.ovshighway.proxy.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ovshighway.ovs.testing.PrivateOvs;

/**
 * The bridge and the ovs-ofctl commands shared by {@link StatsCapture} and the real-OVS test:
 * ports 1..3, a few rules in tables 0 and 1 that have seen traffic, and (phase 1) 900 more rules
 * in table 5 so that flow-stats replies span several multipart messages.
 */
final class StatsScenario {

    static final List<String> VERSIONS = List.of("OpenFlow10", "OpenFlow12", "OpenFlow13", "OpenFlow14", "OpenFlow15");

    static final int MANY_FLOWS = 900;

    /** A TCP packet from port 1 toward 10.0.0.2:80 (matches the table-0 rule with cookie 0x5). */
    static final String TCP_PACKET = "eth(src=50:54:00:00:00:01,dst=50:54:00:00:00:02),eth_type(0x800),"
            + "ipv4(src=10.1.1.1,dst=10.0.0.2,proto=6,tos=0,ttl=64,frag=no),tcp(src=1000,dst=80)";
    /** A UDP packet from port 2 (matches the in_port=2 rule). */
    static final String UDP_PACKET = "eth(src=50:54:00:00:00:02,dst=50:54:00:00:00:01),eth_type(0x800),"
            + "ipv4(src=10.2.2.2,dst=10.1.1.1,proto=17,tos=0,ttl=64,frag=no),udp(src=53,dst=5353)";

    private StatsScenario() {
    }

    static void setUp(PrivateOvs ovs) throws IOException, InterruptedException {
        for (int p = 1; p <= 3; p++) {
            ovs.vsctl("add-port", "br0", "p" + p, "--", "set", "Interface", "p" + p, "ofport_request=" + p);
        }
        ovs.ofctl("-O", "OpenFlow13", "add-flow", "br0", "table=0,priority=10,in_port=2,actions=output:1");
        ovs.ofctl("-O", "OpenFlow13", "add-flow", "br0",
                "table=0,priority=20,cookie=0x5,in_port=1,tcp,nw_dst=10.0.0.0/8,tp_dst=80,actions=goto_table:1");
        ovs.ofctl("-O", "OpenFlow13", "add-flow", "br0", "table=1,priority=5,ip,actions=output:3");
        ovs.ofctl("-O", "OpenFlow13", "add-flow", "br0", "table=0,priority=1,actions=drop");
        for (int i = 0; i < 3; i++) {
            ovs.appctl("netdev-dummy/receive", "p1", TCP_PACKET);
        }
        ovs.appctl("netdev-dummy/receive", "p2", UDP_PACKET);
    }

    static void addManyFlows(PrivateOvs ovs) throws IOException, InterruptedException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < MANY_FLOWS; i++) {
            sb.append("table=5,priority=100,cookie=0x").append(Integer.toHexString(0x1000 + i))
                    .append(",in_port=3,udp,tp_dst=").append(1000 + i).append(",actions=output:2\n");
        }
        Path file = ovs.runDir().resolve("many.flows");
        Files.writeString(file, sb);
        ovs.ofctl("-O", "OpenFlow13", "add-flows", "br0", file.toString());
    }

    /** ovs-ofctl commands (without the target, which goes before the trailing match argument, if any). */
    static List<List<String>> commands(String version, int phase) {
        List<List<String>> out = new ArrayList<>();
        if (phase == 0) {
            out.add(List.of("-O", version, "dump-ports"));
            out.add(List.of("-O", version, "dump-flows"));
            out.add(List.of("-O", version, "dump-aggregate"));
            out.add(List.of("-O", version, "dump-aggregate", "table=1"));
            out.add(List.of("-O", version, "dump-aggregate", "out_port=1"));
            out.add(List.of("-O", version, "dump-aggregate", "cookie=0x5/-1"));
            out.add(List.of("-O", version, "dump-aggregate", "tcp"));
            out.add(List.of("-O", version, "dump-flows", "in_port=2"));
            if (version.equals("OpenFlow10")) {
                out.add(List.of("-O", version, "-F", "openflow10", "dump-flows"));
                out.add(List.of("-O", version, "-F", "openflow10", "dump-aggregate"));
                out.add(List.of("-O", version, "-F", "openflow10", "dump-aggregate", "tcp"));
            }
        } else {
            out.add(List.of("-O", version, "dump-flows"));
            out.add(List.of("-O", version, "dump-aggregate", "table=5"));
        }
        return out;
    }

    /** How many arguments of {@code command} follow the target (the optional match). */
    static int argsAfterTarget(List<String> command) {
        String last = command.getLast();
        return last.startsWith("dump-") ? 0 : 1;
    }

    static String resource(String version) {
        return "stats-of" + version.substring("OpenFlow".length()) + ".hex";
    }
}
