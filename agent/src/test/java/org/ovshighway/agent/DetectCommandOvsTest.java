package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ovshighway.ovs.testing.PrivateOvs;

/** {@code highway detect} against a real private OVS (userspace, dummy ports) with rules from ovs-ofctl. */
class DetectCommandOvsTest {

    private static PrivateOvs ovs;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void startOvs() throws Exception {
        assumeTrue(PrivateOvs.isRoot(), "needs root to start a private OVS");
        ovs = PrivateOvs.start("br0");
        for (int port = 1; port <= 5; port++) {
            ovs.vsctl("add-port", "br0", "p" + port, "--", "set", "Interface", "p" + port, "type=dummy",
                    "ofport_request=" + port);
        }
        for (String ring : List.of("p1", "p2", "p3")) {
            ovs.vsctl("set", "Interface", ring, "external_ids:highway-ring-port=true");
        }
        ovs.ofctl("add-flow", "br0", "priority=10,in_port=1,actions=output:2");
        ovs.ofctl("add-flow", "br0", "priority=10,in_port=2,actions=output:1");
        ovs.ofctl("add-flow", "br0", "priority=10,in_port=3,actions=output:4,output:5");
        ovs.ofctl("add-flow", "br0", "priority=10,in_port=4,actions=output:5");
        ovs.ofctl("add-flow", "br0", "priority=20,in_port=5,tcp,actions=mod_nw_tos:4,output:4");
        ovs.ofctl("add-flow", "br0", "priority=10,in_port=5,actions=output:4");
    }

    @AfterAll
    static void stopOvs() throws Exception {
        if (ovs != null) {
            ovs.close();
        }
    }

    private int detect(String... args) {
        Map<String, String> environment = Map.of("OVS_RUNDIR", ovs.runDir().toString());
        return new HighwayCommand(List.of(new DetectCommand(environment))).run(List.of(args),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private List<String> lines() {
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void ringPortsOnlyByDefault() {
        assertEquals(0, detect("detect", "--bridge", "br0"), err::toString);
        List<String> lines = lines();
        assertEquals(List.of("1 -> 2 p2p", "2 -> 1 p2p"), lines.subList(0, 2));
        assertEquals(3, lines.size(), lines::toString);
        assertTrue(lines.get(2).startsWith("3 -> - not-p2p "), lines.get(2));
        assertTrue(lines.get(2).contains("in_port=3") && lines.get(2).contains("more than one output"), lines.get(2));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("port 1 = p1"));
    }

    @Test
    void allPortsExplainsEveryPort() {
        assertEquals(0, detect("detect", "--bridge", "br0", "--all-ports"), err::toString);
        List<String> lines = lines();
        assertEquals(5, lines.size(), lines::toString);
        assertEquals("1 -> 2 p2p", lines.get(0));
        assertEquals("2 -> 1 p2p", lines.get(1));
        // port 4 outputs only to 5, but 5 hears from 3 as well
        assertTrue(lines.get(3).startsWith("4 -> - not-p2p "), lines.get(3));
        // port 5's tcp traffic is rewritten
        assertTrue(lines.get(4).startsWith("5 -> - not-p2p ") && lines.get(4).contains("priority 20"), lines.get(4));
    }

    @Test
    void unknownBridgeIsNamed() {
        assertEquals(1, detect("detect", "--bridge", "nosuchbr"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no bridge=nosuchbr"), err::toString);
    }

    @Test
    void missingBridgeOptionIsAUsageError() {
        assertEquals(2, detect("detect"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--bridge is required"), err::toString);
    }

    @Test
    void unreachableOvsdbIsAFailureNamingTheEndpoint() {
        assertEquals(1, detect("detect", "--bridge", "br0", "--ovsdb", "unix:/nonexistent/db.sock", "--timeout", "2"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("/nonexistent/db.sock"), err::toString);
    }
}
