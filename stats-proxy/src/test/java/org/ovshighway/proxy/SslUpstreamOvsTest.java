package org.ovshighway.proxy;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.ovshighway.ovs.testing.PrivateOvs;
import org.ovshighway.ovs.testing.TestPki;

/**
 * An {@code ssl:} controller behind the proxy: a real ovs-testcontroller on {@code pssl:} with
 * certificates made by openssl, the proxy connecting with a client certificate from the same CA.
 */
class SslUpstreamOvsTest {

    @Test
    void bridgeReachesAnSslControllerThroughTheProxy() throws Exception {
        assumeTrue(PrivateOvs.isRoot(), "needs root to start a private OVS");
        try (PrivateOvs ovs = PrivateOvs.start("br0")) {
            TestPki pki = TestPki.create(ovs.runDir().resolve("pki"), "controller", "switch");
            int port = OvsTestSupport.freePort();
            ProcessBuilder pb = new ProcessBuilder("ovs-testcontroller", "--unixctl=" + ovs.runDir().resolve("tc.ctl"),
                    "-p", pki.key("controller").toString(), "-c", pki.certificate("controller").toString(),
                    "-C", pki.caCertificate().toString(), "pssl:" + port + ":127.0.0.1")
                    .redirectErrorStream(true).redirectOutput(ovs.runDir().resolve("tc.log").toFile());
            pb.environment().put("OVS_RUNDIR", ovs.runDir().toString());
            Process controller = pb.start();
            try (OpenFlowProxy proxy = OpenFlowProxy.start(new ProxyConfig(
                    List.of(new ProxyRoute(OvsTestSupport.anyLoopbackPort(), OpenFlowTarget.parse("ssl:127.0.0.1:" + port))),
                    Optional.empty(), RelayPolicy.plain(),
                    Optional.of(UpstreamTls.fromPemFiles(pki.key("switch"), pki.certificate("switch"),
                            pki.caCertificate())), ProxyConfig.DEFAULT_CONNECT_TIMEOUT))) {
                ovs.vsctl("set-controller", "br0", "tcp:127.0.0.1:" + proxy.southboundAddress(0).getPort());
                assertTrue(OvsTestSupport.eventually(20, () -> ovs.vsctl("--columns=is_connected", "list", "Controller")
                        .contains("true")), "bridge connected to the ssl controller through the proxy: "
                        + proxy.metrics() + " log=" + Files.readString(ovs.runDir().resolve("tc.log")));
                // The controller configures the switch over TLS: frames flowed both ways.
                assertTrue(OvsTestSupport.eventually(10, () -> proxy.metrics().framesTowardSwitch() > 1
                        && proxy.metrics().framesTowardController() > 1), proxy.metrics().toString());
            } finally {
                controller.destroy();
                controller.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
