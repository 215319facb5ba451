package org.ovshighway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ovshighway.ovs.testing.PrivateOvs;

/**
 * A real bridge whose controller target is the proxy: with ovs-testcontroller upstream, the
 * learning switch's flows appear and forward injected packets; with an unreachable controller, a
 * standalone bridge falls back to NORMAL forwarding exactly as without the proxy.
 */
class SouthboundRelayOvsTest {

    private static final Pattern TX_PACKETS = Pattern.compile("tx pkts=(\\d+)");
    private static final String MAC1 = "50:54:00:00:00:01";
    private static final String MAC2 = "50:54:00:00:00:02";

    private static PrivateOvs ovs;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(PrivateOvs.isRoot(), "needs root to start a private OVS");
        ovs = PrivateOvs.start("br0", "br1");
        for (String br : List.of("br0", "br1")) {
            ovs.vsctl("add-port", br, br + "p1", "--", "set", "Interface", br + "p1", "type=dummy", "ofport_request=1",
                    "--", "add-port", br, br + "p2", "--", "set", "Interface", br + "p2", "type=dummy", "ofport_request=2");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (ovs != null) {
            ovs.close();
        }
    }

    /** Over TCP on loopback, and over a Unix socket the bridge reaches as a {@code unix:} controller. */
    @ParameterizedTest(name = "unix listener: {0}")
    @ValueSource(booleans = {false, true})
    void testControllerThroughProxyLearnsAndForwards(boolean unixListener) throws Exception {
        Path socket = ovs.runDir().resolve("hw-southbound.sock");
        java.net.SocketAddress listen = unixListener ? java.net.UnixDomainSocketAddress.of(socket)
                : OvsTestSupport.anyLoopbackPort();
        int controllerPort = OvsTestSupport.freePort();
        Path log = Files.createTempFile("testcontroller", ".log");
        ProcessBuilder pb = new ProcessBuilder("ovs-testcontroller",
                "--unixctl=" + ovs.runDir().resolve("testcontroller.ctl"), "ptcp:" + controllerPort + ":127.0.0.1")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OVS_RUNDIR", ovs.runDir().toString());
        Process controller = pb.start();
        try (OpenFlowProxy proxy = OpenFlowProxy.start(new ProxyConfig(
                List.of(new ProxyRoute(listen, OpenFlowTarget.parse("tcp:127.0.0.1:" + controllerPort))),
                Optional.empty(), RelayPolicy.plain(), Optional.empty(), ProxyConfig.DEFAULT_CONNECT_TIMEOUT))) {
            String target = proxy.southboundTarget(0);
            assertEquals(unixListener ? "unix:" + socket : "tcp:127.0.0.1:" + proxy.southboundAddress(0).getPort(), target);
            ovs.vsctl("set-controller", "br0", target);
            assertTrue(OvsTestSupport.eventually(20, () -> ovs.vsctl("--columns=is_connected", "list", "Controller")
                    .contains("true")), "bridge connected to the controller through the proxy");

            inject("br0p1", MAC1, MAC2);
            inject("br0p2", MAC2, MAC1);
            assertTrue(OvsTestSupport.eventually(20, () -> {
                inject("br0p1", MAC1, MAC2);
                return ovs.ofctl("dump-flows", "br0").contains("actions=output:2");
            }), "learning-switch flow toward port 2 installed through the proxy:\n" + ovs.ofctl("dump-flows", "br0"));
            long before = txPackets("br0", 2);
            inject("br0p1", MAC1, MAC2);
            assertTrue(OvsTestSupport.eventually(10, () -> txPackets("br0", 2) > before),
                    "injected packet forwarded by the learned flow");
            assertTrue(proxy.metrics().framesTowardSwitch() > 0 && proxy.metrics().framesTowardController() > 0,
                    proxy.metrics().toString());
        } finally {
            ovs.vsctl("del-controller", "br0");
            assertFalse(Files.exists(socket), "the proxy removes its listener socket when it stops");
            controller.destroy();
            controller.waitFor();
            Files.deleteIfExists(log);
        }
    }

    @Test
    void standaloneBridgeFailsOpenWhenTheControllerBehindTheProxyIsUnreachable() throws Exception {
        int nobody = OvsTestSupport.freePort();
        try (OpenFlowProxy proxy = OpenFlowProxy.start(new ProxyConfig(
                List.of(new ProxyRoute(OvsTestSupport.anyLoopbackPort(), OpenFlowTarget.parse("tcp:127.0.0.1:" + nobody))),
                Optional.empty(), RelayPolicy.plain(), Optional.empty(), ProxyConfig.DEFAULT_CONNECT_TIMEOUT))) {
            ovs.vsctl("set-fail-mode", "br1", "standalone");
            ovs.vsctl("set-controller", "br1", "tcp:127.0.0.1:" + proxy.southboundAddress(0).getPort());
            // Fail-open starts after three probe intervals without a controller: keep it short.
            ovs.vsctl("set", "Controller", "br1", "inactivity_probe=1000");
            long before = txPackets("br1", 2);
            assertTrue(OvsTestSupport.eventually(30, () -> {
                inject("br1p1", MAC1, MAC2);
                return txPackets("br1", 2) > before;
            }), "standalone bridge floods (NORMAL) while its controller is unreachable");
            assertTrue(proxy.metrics().upstreamConnectFailures() > 0, proxy.metrics().toString());
            assertTrue(ovs.vsctl("--columns=is_connected", "list", "Controller").contains("false"),
                    "OVS sees the controller as not connected");
        } finally {
            ovs.vsctl("del-controller", "br1");
        }
    }

    private static void inject(String port, String src, String dst) throws Exception {
        ovs.appctl("netdev-dummy/receive", port, "in_port(1),eth(src=" + src + ",dst=" + dst + "),eth_type(0x0800),"
                + "ipv4(src=10.0.0.1,dst=10.0.0.2,proto=17,tos=0,ttl=64,frag=no),udp(src=1,dst=2)");
    }

    private static long txPackets(String bridge, int port) throws Exception {
        Matcher m = TX_PACKETS.matcher(ovs.ofctl("dump-ports", bridge, String.valueOf(port)));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
