package org.ovshighway.proxy;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.ovshighway.ovs.testing.PrivateOvs;

/**
 * An {@code ssl:} controller behind the proxy: a real ovs-testcontroller on {@code pssl:} with
 * certificates made by openssl, the proxy connecting with a client certificate from the same CA.
 */
class SslUpstreamOvsTest {

    @Test
    void bridgeReachesAnSslControllerThroughTheProxy() throws Exception {
        assumeTrue(PrivateOvs.isRoot(), "needs root to start a private OVS");
        try (PrivateOvs ovs = PrivateOvs.start("br0")) {
            Path pki = Files.createDirectories(ovs.runDir().resolve("pki"));
            openssl(pki, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem", "-out", "ca-cert.pem",
                    "-days", "2", "-subj", "/CN=highway-test-ca");
            for (String who : List.of("controller", "switch")) {
                openssl(pki, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", who + "-key.pem", "-out", who + ".csr",
                        "-subj", "/CN=" + who);
                openssl(pki, "x509", "-req", "-in", who + ".csr", "-CA", "ca-cert.pem", "-CAkey", "ca-key.pem",
                        "-CAcreateserial", "-out", who + "-cert.pem", "-days", "2");
            }
            int port = OvsTestSupport.freePort();
            ProcessBuilder pb = new ProcessBuilder("ovs-testcontroller", "--unixctl=" + ovs.runDir().resolve("tc.ctl"),
                    "-p", pki.resolve("controller-key.pem").toString(), "-c", pki.resolve("controller-cert.pem").toString(),
                    "-C", pki.resolve("ca-cert.pem").toString(), "pssl:" + port + ":127.0.0.1")
                    .redirectErrorStream(true).redirectOutput(ovs.runDir().resolve("tc.log").toFile());
            pb.environment().put("OVS_RUNDIR", ovs.runDir().toString());
            Process controller = pb.start();
            try (OpenFlowProxy proxy = OpenFlowProxy.start(new ProxyConfig(
                    List.of(new ProxyRoute(OvsTestSupport.anyLoopbackPort(), OpenFlowTarget.parse("ssl:127.0.0.1:" + port))),
                    Optional.empty(), RelayPolicy.plain(),
                    Optional.of(UpstreamTls.fromPemFiles(pki.resolve("switch-key.pem"), pki.resolve("switch-cert.pem"),
                            pki.resolve("ca-cert.pem"))), ProxyConfig.DEFAULT_CONNECT_TIMEOUT))) {
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

    private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("openssl failed: cmd=" + cmd + " log=" + Files.readString(dir.resolve("openssl.log")));
        }
    }
}
