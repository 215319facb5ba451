package org.ovshighway.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.ovshighway.ovs.testing.PrivateOvsDpdk;

/**
 * SIGTERM while {@code highway agent} is still starting (systemd stopping a unit that is still
 * activating, an operator's Ctrl-C): the JVM must not exit halfway and leave OVS ports, region
 * files and publications behind; the start finishes, then everything it made is removed. The
 * window is held open for certain by pausing ovs-vswitchd (SIGSTOP) before the agent starts: the
 * first ring port's OVSDB row is then written but not applied, and the start waits for it.
 */
class AgentStopWhileStartingOvsDpdkTest {
    private static final String BRIDGE = "br0";

    @Test
    void aStopAskedForDuringTheStartRemovesWhatTheStartMade() throws Exception {
        assumeTrue(PrivateOvsDpdk.isRoot(), "OVS-DPDK needs root");
        try (PrivateOvsDpdk ovs = PrivateOvsDpdk.start(BRIDGE)) {
            Path rootA = Files.createDirectory(ovs.run().resolve("vm1-sysfs"));
            Path rootB = Files.createDirectory(ovs.run().resolve("vm2-sysfs"));
            Path regions = Files.createDirectory(ovs.run().resolve("regions"));
            Path config = Files.writeString(ovs.run().resolve("highway.properties"), String.join("\n",
                    "ovsdb=unix:" + ovs.run().resolve("db.sock"), "bridge=" + BRIDGE,
                    "memif-socket-dir=" + ovs.run(), "region-dir=" + regions,
                    "ring-port.pa.guest=vm1", "ring-port.pa.publish-root=" + rootA,
                    "ring-port.pb.guest=vm2", "ring-port.pb.publish-root=" + rootB, ""));
            ovs.pauseVswitchd();
            String output;
            try (HighwayAgentProcess agent = HighwayAgentProcess.launch(config, ovs.run().resolve("agent.log"), Map.of())) {
                agent.awaitOutput("created region file path=" + regions.resolve("highway-port-pa"));
                agent.terminate();
                // the old agent exited at once here: no shutdown hook was in place before the start returned
                Thread.sleep(1000);
                assertTrue(agent.isAlive(), "the agent waits for its start before it stops; output:\n" + agent.output());
                ovs.resumeVswitchd();
                assertEquals(143, agent.awaitExit(Duration.ofSeconds(60)), "exit status after SIGTERM; output:\n"
                        + agent.output());
                output = agent.output();
            } finally {
                ovs.resumeVswitchd();
            }
            assertTrue(output.contains("stop asked for while the agent starts"), output);
            assertTrue(output.contains("agent stopped: bridge=" + BRIDGE), output);
            assertEquals("", ovs.vsctl("list-ports", BRIDGE), "no ring port left in OVS; agent output:\n" + output);
            try (Stream<Path> left = Files.list(regions)) {
                assertEquals(List.of(), left.toList(), "no region file left; agent output:\n" + output);
            }
            for (Path root : List.of(rootA, rootB)) {
                Path devices = root.resolve("bus/pci/devices");
                if (Files.isDirectory(devices)) {
                    try (Stream<Path> left = Files.list(devices)) {
                        assertEquals(List.of(), left.toList(), "no publication left under " + root);
                    }
                }
            }
        }
    }
}
