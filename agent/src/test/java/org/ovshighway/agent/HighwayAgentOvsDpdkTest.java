package org.ovshighway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ovshighway.ovs.testing.Poll;
import org.ovshighway.ovs.testing.PrivateOvsDpdk;
import org.ovshighway.ovs.testing.TestPki;

/**
 * The whole agent against a real private OVS-DPDK (needs root): ring ports, the flow tables
 * watched through its own OpenFlow connection, and {@code highway links} asking it through the
 * control socket while {@code ovs-ofctl} changes the rules (bypass off: no guest runs here).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HighwayAgentOvsDpdkTest {

    private static String links(Path config) {
        return ask("links", config);
    }

    /** {@code highway COMMAND --config CONFIG}'s output; it must succeed. */
    private static String ask(String command, Path config) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = HighwayCommand.standard().run(List.of(command, "--config", config.toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String awaitLinks(Path config, Predicate<String> condition) throws InterruptedException {
        String text = "";
        for (int i = 0; i < 300; i++) {
            text = links(config);
            if (condition.test(text)) {
                return text;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("highway links never showed what was expected; last answer:\n" + text);
    }

    private static String line(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix)).findFirst().orElse("");
    }

    @Test
    void linksFollowTheRulesOfTheLiveBridge() throws Exception {
        assumeTrue(PrivateOvsDpdk.isRoot(), "OVS-DPDK needs root");
        Path work = Files.createTempDirectory("hw-links-test");
        Path regions = Files.createDirectory(Path.of("/dev/shm", "hw-links-test-" + ProcessHandle.current().pid()
                + "-" + System.nanoTime()));
        try (PrivateOvsDpdk ovs = PrivateOvsDpdk.start("br0")) {
            Files.createDirectories(work.resolve("guest-a"));
            Files.createDirectories(work.resolve("guest-b"));
            Path config = Files.writeString(work.resolve("highway.conf"), String.join("\n",
                    "ovsdb=unix:" + ovs.run().resolve("db.sock"), "bridge=br0", "memif-socket-dir=" + ovs.run(),
                    "region-dir=" + regions,
                    "ring-port.pa.guest=guest-a", "ring-port.pa.publish-root=" + work.resolve("guest-a"),
                    "ring-port.pa.ofport=11",
                    "ring-port.pb.guest=guest-b", "ring-port.pb.publish-root=" + work.resolve("guest-b"),
                    "ring-port.pb.ofport=12", "bypass=false", "control-nice=-7", "control-realtime-priority=3", ""));
            ovs.ofctl("del-flows", "br0");
            Path control;
            try (HighwayAgent agent = HighwayAgent.start(AgentConfig.load(config))) {
                control = agent.control().path();
                assertEquals(ovs.run().resolve("highway.ctl"), control);
                String empty = awaitLinks(config, t -> t.startsWith("pa(11)"));
                assertTrue(line(empty, "pa(11)").matches("pa\\(11\\) -> -\\s+not-p2p\\s+path=ovs\\s+since=\\S+\\s+reason: .+"),
                        empty);

                // without the bypass and the proxy only the flow monitor's thread is a control thread; it
                // sets its priority in a task queued as the monitor starts, which may run after the first dump
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while ((TaskStat.threadsOfThisProcess(t -> t.nice() == -7) == 0
                        || TaskStat.threadsOfThisProcess(t -> t.policy() == ThreadRealtime.SCHED_FIFO) == 0)
                        && System.nanoTime() - until < 0) {
                    Thread.sleep(10);
                }
                assertEquals(1, TaskStat.threadsOfThisProcess(t -> t.nice() == -7), "threads at control-nice");
                assertEquals(1, TaskStat.threadsOfThisProcess(t -> t.policy() == ThreadRealtime.SCHED_FIFO
                        && t.realtimePriority() == 3),
                        "threads at control-realtime-priority");

                ovs.ofctl("add-flow", "br0", "in_port=11,actions=output:12");
                String p2p = awaitLinks(config, t -> line(t, "pa(11)").contains("-> pb(12)"));
                assertTrue(line(p2p, "pa(11)").matches("pa\\(11\\) -> pb\\(12\\)\\s+p2p\\s+path=ovs\\s+since=\\S+"), p2p);
                assertTrue(line(p2p, "pb(12)").contains("not-p2p"), "nothing leaves pb: " + p2p);

                // a rule that copies pa's traffic to LOCAL makes the direction no longer point-to-point
                ovs.ofctl("add-flow", "br0", "priority=40000,in_port=11,dl_type=0x0800,actions=output:12,LOCAL");
                String broken = awaitLinks(config, t -> line(t, "pa(11)").contains("not-p2p"));
                assertTrue(line(broken, "pa(11)").contains("reason: "), broken);

                String status = ask("status", config);
                assertTrue(line(status, "agent: ").matches("agent: bridge=br0 pid=\\d+ started=\\S+ bypass=false"
                        + " controller_proxy=false"), status);
                assertEquals("ovsdb: endpoint=unix:" + ovs.run().resolve("db.sock") + " connected=true reconnects=0",
                        line(status, "ovsdb: "), status);
                assertTrue(line(status, "openflow: ").endsWith("br0.mgmt flow_tables=synced"), status);
                assertTrue(line(status, "ring-port pa: ").matches("ring-port pa: connection=UP/generation=\\d+ ofport=11"
                        + " guest=guest-a outages=0"), status);
                assertTrue(line(status, "ring-port pb: ").contains("ofport=12 guest=guest-b"), status);

                // ovsdb-server restarting: the agent says so, and its stop (below) still removes the ports
                ovs.restartOvsdbServer();
                String lost = status;
                for (int i = 0; i < 200 && !line(lost, "ovsdb: ").contains("connected=false"); i++) {
                    Thread.sleep(50);
                    lost = ask("status", config);
                }
                assertTrue(line(lost, "ovsdb: ").contains("connected=false (connection closed"), lost);
                assertTrue(line(lost, "ovsdb: ").contains("the next OVSDB request connects again"), lost);
            }
            assertFalse(Files.exists(control), "control socket removed");
            assertEquals("", ovs.vsctl("list-ports", "br0"));
            assertTrue(Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().equals(ControlSocket.THREAD) && t.isAlive()), "control thread ended");
        } finally {
            PrivateOvsDpdk.deleteTree(regions);
            PrivateOvsDpdk.deleteTree(work);
        }
    }

    /**
     * An {@code ssl:} controller (ovs-testcontroller on {@code pssl:}) behind the agent's proxy, with
     * no TLS keys in the agent's configuration: the proxy presents the switch's own files
     * ({@code ovs-vsctl set-ssl}), the bridge connects through it, and a stop restores the target.
     * Without the switch's files the agent refuses to start, naming the controller and the keys.
     */
    @Test
    void anSslControllerIsRelayedWithTheSwitchsOwnTlsFiles() throws Exception {
        assumeTrue(PrivateOvsDpdk.isRoot(), "OVS-DPDK needs root");
        Path work = Files.createTempDirectory("hw-ssl-test");
        Path regions = Files.createDirectory(Path.of("/dev/shm", "hw-ssl-test-" + ProcessHandle.current().pid()
                + "-" + System.nanoTime()));
        Process controller = null;
        try (PrivateOvsDpdk ovs = PrivateOvsDpdk.start("br0")) {
            TestPki pki = TestPki.create(work.resolve("pki"), "controller", "switch");
            // the switch's key in the PKCS#1 form ovs-pki and OpenSSL before 3.0 write
            pki.openssl("rsa", "-in", "switch-key.pem", "-traditional", "-out", "switch-key-pkcs1.pem");
            int port;
            try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            ProcessBuilder pb = new ProcessBuilder("ovs-testcontroller", "--unixctl=" + work.resolve("tc.ctl"),
                    "-p", pki.key("controller").toString(), "-c", pki.certificate("controller").toString(),
                    "-C", pki.caCertificate().toString(), "pssl:" + port + ":127.0.0.1")
                    .redirectErrorStream(true).redirectOutput(work.resolve("tc.log").toFile());
            pb.environment().put("OVS_RUNDIR", work.toString());
            controller = pb.start();
            String original = "ssl:127.0.0.1:" + port;
            // ovs-vswitchd-dpdk runs in a network namespace of its own here (testbed/lib/ovs-dpdk.sh): it
            // reaches the proxy through a Unix socket, the proxy the controller over loopback TCP
            ovs.vsctl("set-controller", "br0", original);
            Files.createDirectories(work.resolve("guest-a"));
            Path config = Files.writeString(work.resolve("highway.conf"), String.join("\n",
                    "ovsdb=unix:" + ovs.run().resolve("db.sock"), "bridge=br0", "memif-socket-dir=" + ovs.run(),
                    "region-dir=" + regions, "ring-port.pa.guest=guest-a",
                    "ring-port.pa.publish-root=" + work.resolve("guest-a"), "bypass=false", "controller-proxy=true",
                    "proxy-listen=unix:" + ovs.run(), "control-nice=0", ""));

            AgentException refused = org.junit.jupiter.api.Assertions.assertThrows(AgentException.class,
                    () -> HighwayAgent.start(AgentConfig.load(config)).close());
            assertTrue(refused.getMessage().contains(original) && refused.getMessage().contains("proxy-ssl-private-key")
                    && refused.getMessage().contains("ovs-vsctl set-ssl"), refused.getMessage());
            assertEquals(original, ovs.vsctl("get-controller", "br0").strip(), "a refused start changes nothing");
            assertEquals("", ovs.vsctl("list-ports", "br0").strip(), "a refused start leaves no ring port");

            ovs.vsctl("set-ssl", pki.file("switch-key-pkcs1.pem").toString(), pki.certificate("switch").toString(),
                    pki.caCertificate().toString());
            try (HighwayAgent agent = HighwayAgent.start(AgentConfig.load(config))) {
                String relayed = ovs.vsctl("get-controller", "br0").strip();
                assertTrue(relayed.startsWith("unix:" + ovs.run()), "bridge re-pointed at the proxy: " + relayed);
                assertTrue(Poll.eventually(Duration.ofSeconds(20), Duration.ofMillis(100),
                    () -> ovs.vsctl("--bare", "--columns=is_connected", "list", "Controller").strip()
                        .equals("true")), "bridge connected to the ssl controller through the proxy: "
                        + agent.controllerProxy().proxy().metrics() + " controller log: "
                        + Files.readString(work.resolve("tc.log")));
                assertTrue(Poll.eventually(Duration.ofSeconds(20), Duration.ofMillis(100),
                    () -> agent.controllerProxy().proxy().metrics().framesTowardSwitch() > 1
                        && agent.controllerProxy().proxy().metrics().framesTowardController() > 1),
                        "the controller and the switch talk over TLS: " + agent.controllerProxy().proxy().metrics());
            }
            assertEquals(original, ovs.vsctl("get-controller", "br0").strip(), "original target restored");
        } finally {
            if (controller != null) {
                controller.destroy();
                controller.waitFor(10, TimeUnit.SECONDS);
            }
            PrivateOvsDpdk.deleteTree(regions);
            PrivateOvsDpdk.deleteTree(work);
        }
    }
}
