package org.ovshighway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ovshighway.ovs.testing.PrivateOvs;

/**
 * Real ovs-ofctl through the proxy's passive listener to a real OVS: every command gives the same
 * output as the same command sent directly to the bridge's management socket, on each OpenFlow
 * version; a hostile client is cut off without disturbing another client.
 */
class PassiveRelayOvsTest {

    private static PrivateOvs ovs;
    private static OpenFlowProxy proxy;
    private static String viaProxy;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(PrivateOvs.isRoot(), "needs root to start a private OVS");
        ovs = PrivateOvs.start("br0");
        ovs.vsctl("add-port", "br0", "p1", "--", "set", "Interface", "p1", "type=dummy", "ofport_request=1",
                "--", "add-port", "br0", "p2", "--", "set", "Interface", "p2", "type=dummy", "ofport_request=2");
        Path mgmt = ovs.managementSocket("br0");
        proxy = OpenFlowProxy.start(new ProxyConfig(java.util.List.of(),
                Optional.of(new ProxyRoute(OvsTestSupport.anyLoopbackPort(), OpenFlowTarget.parse("unix:" + mgmt))),
                RelayPolicy.plain(), Optional.empty(), ProxyConfig.DEFAULT_CONNECT_TIMEOUT));
        viaProxy = "tcp:127.0.0.1:" + proxy.passiveAddress().orElseThrow().getPort();
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (ovs != null) {
            ovs.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"OpenFlow10", "OpenFlow13", "OpenFlow14", "OpenFlow15"})
    void ofctlThroughProxyMatchesDirect(String version) throws Exception {
        ovs.ofctl("-O", version, "del-flows", viaProxy);
        ovs.ofctl("-O", version, "add-flow", viaProxy, "priority=10,in_port=1,actions=output:2");
        ovs.ofctl("-O", version, "add-flow", viaProxy, "priority=20,in_port=2,dl_type=0x0800,nw_dst=10.0.0.1,actions=output:1");
        // A Nicira extension action: relayed as opaque bytes.
        ovs.ofctl("-O", version, "add-flow", viaProxy, "priority=30,in_port=2,tcp,actions=learn(table=1,NXM_OF_ETH_DST[]),resubmit(,1)");
        for (String command : new String[]{"dump-flows", "dump-ports", "dump-aggregate", "dump-ports-desc", "show"}) {
            String direct = ovs.ofctl("-O", version, command, "br0");
            String proxied = ovs.ofctl("-O", version, command, viaProxy);
            assertEquals(OvsTestSupport.withoutDurations(direct), OvsTestSupport.withoutDurations(proxied),
                    "command=" + command + " version=" + version);
        }
        String flows = ovs.ofctl("-O", version, "dump-flows", "--no-stats", viaProxy);
        assertTrue(flows.contains("learn(table=1"), flows);
        assertEquals(3, flows.lines().filter(l -> l.contains("priority=")).count(), flows);
    }

    @Test
    void malformedClientIsClosedWhileAnotherClientKeepsWorking() throws Exception {
        int port = proxy.passiveAddress().orElseThrow().getPort();
        long malformedBefore = proxy.metrics().malformedCloses();
        try (Socket good = new Socket("127.0.0.1", port); Socket bad = new Socket("127.0.0.1", port)) {
            good.setSoTimeout(10_000);
            bad.setSoTimeout(10_000);
            OutputStream goodOut = good.getOutputStream();
            DataInputStream goodIn = new DataInputStream(good.getInputStream());
            goodOut.write(Frames.bytes(4, 0, 1, 8));
            byte[] hello = readFrame(goodIn);
            assertEquals(0, hello[1], "switch HELLO");

            byte[] garbage = Frames.bytes(4, 0, 9, 8);
            garbage[3] = 3;
            bad.getOutputStream().write(garbage);
            // The switch's HELLO may come first; then the connection must end.
            byte[] rest = bad.getInputStream().readAllBytes();
            assertTrue(rest.length <= 16, "at most the switch's HELLO before the close: bytes=" + rest.length);

            goodOut.write(Frames.bytes(4, Frames.OFPT_ECHO_REQUEST, 0xABCDEFL, 12));
            byte[] reply;
            do {
                reply = readFrame(goodIn);
            } while (reply[1] != 3);
            assertEquals(0xABCDEFL, Frames.xid(reply), "echo reply keeps the xid");
        }
        assertEquals(malformedBefore + 1, proxy.metrics().malformedCloses());
    }

    static byte[] readFrame(DataInputStream in) throws java.io.IOException {
        byte[] header = new byte[8];
        in.readFully(header);
        int length = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
        byte[] frame = new byte[length];
        System.arraycopy(header, 0, frame, 0, 8);
        in.readFully(frame, 8, length - 8);
        return frame;
    }
}
