package org.ovshighway.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ovshighway.ovs.testing.PrivateOvsDpdk;

/**
 * A CI-sized run of the {@code testbed/bench bypass} harness on a real private OVS-DPDK with the
 * real agent and two process guests: {@link BypassBench} establishes and reverts the A -> B link
 * three times (the establishing FLOW_MOD straight to OVS, the breaking one through the agent's
 * proxy), the receiver records its arrival gaps, and {@link BypassGapReport} joins the two.
 * Asserts that the output parses and is sane (every run completed, times ordered, each window
 * found); no timing is asserted. With the agent's {@code link-standby=true} each revert leaves a
 * standby link that the next run activates: every measured run says {@code standby=1}. Needs root.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BypassBenchOvsDpdkTest {
    private static final String BRIDGE = "hwt" + ProcessHandle.current().pid() % 1_000_000;
    private static final String PORT_A = "ta-" + ProcessHandle.current().pid();
    private static final String PORT_B = "tb-" + ProcessHandle.current().pid();

    @Test
    void threeEstablishRevertCyclesProduceParsableSaneResults() throws Exception {
        cycles(false);
    }

    @Test
    void withStandbyLinksEachMeasuredRunActivatesTheStandbyLinkTheRevertBeforeItLeft() throws Exception {
        cycles(true);
    }

    private void cycles(boolean standby) throws Exception {
        assumeTrue(PrivateOvsDpdk.isRoot(), "OVS-DPDK needs root");
        try (PrivateOvsDpdk ovs = PrivateOvsDpdk.start(BRIDGE)) {
            Path rootA = Files.createDirectory(ovs.run().resolve("a-sysfs"));
            Path rootB = Files.createDirectory(ovs.run().resolve("b-sysfs"));
            Path regions = Files.createDirectory(ovs.run().resolve("regions"));
            int proxyPort;
            try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
                proxyPort = probe.getLocalPort();
            }
            Path config = ovs.run().resolve("highway.properties");
            Files.writeString(config, String.join("\n",
                    "ovsdb=unix:" + ovs.run().resolve("db.sock"), "bridge=" + BRIDGE, "memif-socket-dir=" + ovs.run(),
                    "region-dir=" + regions,
                    "ring-port." + PORT_A + ".guest=ga", "ring-port." + PORT_A + ".publish-root=" + rootA,
                    "ring-port." + PORT_A + ".ofport=1",
                    "ring-port." + PORT_B + ".guest=gb", "ring-port." + PORT_B + ".publish-root=" + rootB,
                    "ring-port." + PORT_B + ".ofport=2",
                    "controller-proxy=true", "proxy-passive=127.0.0.1:" + proxyPort,
                    // not about deadlines: a loaded CI machine must not force a revert
                    "link-fence-deadline-ms=20000", "link-revert-deadline-ms=20000", "proxy-hold-deadline-ms=30000",
                    "link-standby=" + standby, ""));
            ovs.ofctl("del-flows", BRIDGE);
            ovs.ofctl("add-flow", BRIDGE, "in_port=1,actions=output:2");
            ovs.ofctl("add-flow", BRIDGE, "in_port=2,actions=drop");
            ovs.ofctl("add-flow", BRIDGE, "priority=40000,in_port=1,dl_type=0x0806,actions=LOCAL");
            String[] common = {"--seconds", "0", "--drain-ms", "1000", "--idle", "park", "--cpu", "none"};
            try (HighwayAgentProcess agent = HighwayAgentProcess.start(config, ovs.run().resolve("agent.log"));
                 TrafficGuestProcess b = TrafficGuestProcess.start("guest B", ovs.run().resolve("guest-b.log"),
                         concat(common, "--root", rootB.toString(), "--ports", PORT_B, "--streams", "2",
                                 "--peer-streams", "1", "--transmit", "false", "--gap-threshold-us", "20"));
                 TrafficGuestProcess a = TrafficGuestProcess.start("guest A", ovs.run().resolve("guest-a.log"),
                         concat(common, "--root", rootA.toString(), "--ports", PORT_A, "--streams", "1",
                                 "--peer-streams", "2", "--rate", "20000"))) {
                ByteArrayOutputStream captured = new ByteArrayOutputStream();
                int status;
                try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
                    status = BypassBench.run(new String[] {
                            "--openflow", "unix:" + ovs.run().resolve(BRIDGE + ".mgmt"),
                            "--revert-openflow", "tcp:127.0.0.1:" + proxyPort,
                            "--region-dir", regions.toString(), "--sender", PORT_A, "--in-port", "1", "--runs", "3",
                            "--warmup-runs", "1", "--on-link-ms", "200", "--settle-ms", "700", "--timeout-ms", "20000"}, out);
                }
                String output = captured.toString(StandardCharsets.UTF_8);
                System.out.println(output);
                assertEquals(0, status, "BypassBench exit status; output:\n" + output + "\nagent:\n" + agent.output());
                List<String> lines = output.lines().toList();
                List<String> runs = lines.stream().filter(l -> l.startsWith("BYPASS_RUN ")).toList();
                assertEquals(4, runs.size(), output);
                assertEquals("0", KeyValueLine.fields(runs.getFirst()).get("run"), "the warm-up run comes first: " + output);
                for (String run : runs) {
                    Map<String, String> f = KeyValueLine.fields(run);
                    long sent = Long.parseLong(f.get("sent_nanos"));
                    long region = Long.parseLong(f.get("region_nanos"));
                    long first = Long.parseLong(f.get("first_frame_nanos"));
                    long revertSent = Long.parseLong(f.get("revert_sent_nanos"));
                    long revertDone = Long.parseLong(f.get("revert_done_nanos"));
                    assertTrue(sent < region && region <= first && first < revertSent && revertSent < revertDone, run);
                    assertTrue(Long.parseLong(f.get("link")) > 0, run);
                    // the warm-up run's link is a new one; after it, each revert leaves a standby link
                    assertEquals(standby && !f.get("run").equals("0") ? "1" : "0", f.get("standby"), run);
                }
                Map<String, String> establish = KeyValueLine.fields(lines.stream().filter(l -> l.startsWith("BYPASS_ESTABLISH "))
                        .findFirst().orElseThrow());
                assertEquals("3", establish.get("completed"));
                double p50 = Double.parseDouble(establish.get("p50_ms"));
                double p99 = Double.parseDouble(establish.get("p99_ms"));
                assertTrue(p50 > 0 && p50 <= p99 && p99 < 20_000, establish.toString());

                a.terminate();
                a.await(60);
                b.terminate();
                b.await(60);
                List<String> guestB = Files.readAllLines(ovs.run().resolve("guest-b.log"));
                // the sender's own stamp of its first burst onto each link lies between the FLOW_MOD and
                // the harness's first sight of a frame on the link
                Map<String, Long> onto = new java.util.HashMap<>();
                java.util.regex.Pattern stamp = java.util.regex.Pattern.compile(
                        "sender on link LinkSession\\[linkId=(\\d+),.* onto_link_nanos=(\\d+)");
                for (String line : Files.readAllLines(ovs.run().resolve("guest-a.log"))) {
                    java.util.regex.Matcher m = stamp.matcher(line);
                    if (m.find()) {
                        onto.put(m.group(1), Long.parseLong(m.group(2)));
                    }
                }
                for (String run : runs) {
                    Map<String, String> f = KeyValueLine.fields(run);
                    Long at = onto.get(f.get("link"));
                    assertTrue(at != null && Long.parseLong(f.get("sent_nanos")) < at
                            && at <= Long.parseLong(f.get("first_frame_nanos")), run + " onto_link_nanos=" + at);
                }
                Map<String, String> summary = b.summary(PORT_B);
                // links ended and unmapped: the last revert's standby link (if made) ends only with the agent
                assertEquals("4", summary.get("remap_links"), summary.toString());
                assertEquals(standby ? 3 : 0, agent.output().lines().filter(l -> l.contains("activating standby link"))
                        .count(), agent.output());
                assertEquals("0", summary.get("reordered"), summary.toString());
                assertEquals("0", summary.get("duplicated"), summary.toString());
                assertTrue(Long.parseLong(summary.get("max_gap_ns")) > 0, summary.toString());
                // every switch of B's receive path (onto each of the 4 links and back) was seen between
                // arrivals and timed; a handover's pause is within the largest gap of all
                assertEquals("8", summary.get("handovers"), summary.toString());
                long handoverMax = Long.parseLong(summary.get("handover_gap_max_ns"));
                assertTrue(handoverMax > 0 && handoverMax <= Long.parseLong(summary.get("max_gap_ns")), summary.toString());
                assertTrue(Long.parseLong(summary.get("handover_onto_link_gap_p50_ns")) <= handoverMax, summary.toString());
                assertTrue(Long.parseLong(summary.get("handover_back_gap_p50_ns")) <= handoverMax, summary.toString());
                BypassGapReport.Result gaps = BypassGapReport.join(BypassGapReport.windows(lines, 5_000_000),
                        BypassGapReport.gaps(guestB, PORT_B));
                assertEquals(8, gaps.windows());
                assertEquals(Long.parseLong(summary.get("gaps_recorded")), gaps.gaps());
                assertEquals(143, agent.stop(), "agent exit status after SIGTERM; output:\n" + agent.output());
            }
            try (Stream<Path> left = Files.list(regions)) {
                assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("hwlink-")).toList(),
                        "no link region left");
            }
        }
    }

    private static String[] concat(String[] a, String... b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }
}
