package org.ovshighway.testbed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.ovshighway.ovs.testing.PrivateOvs;

/**
 * A CI-sized run of the {@code testbed/bench proxy} harness against a real private OVS: every path
 * (direct over TCP, the proxy relaying to the bridge's management socket, the same with another
 * busy-poll window, the proxy relaying over TCP, a real {@code socat} relaying to the management
 * socket as the reference relay) carries its barriers and flow-mods to the switch without an
 * OpenFlow error, and the RESULT line carries every key with a sane value. No timing is asserted.
 * Needs root and socat ({@code testbed/test} installs it).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ProxyBenchOvsTest {

    @Test
    void everyPathIsMeasuredAndReported() throws Exception {
        assumeTrue(PrivateOvs.isRoot(), "OVS needs root");
        try (PrivateOvs ovs = PrivateOvs.start("pb0")) {
            int port;
            try (ServerSocket probe = new ServerSocket(0)) {
                port = probe.getLocalPort();
            }
            ovs.vsctl("set-controller", "pb0", "ptcp:" + port + ":127.0.0.1");
            int relayPort;
            try (ServerSocket probe = new ServerSocket(0)) {
                relayPort = probe.getLocalPort();
            }
            Process socat = new ProcessBuilder("socat", "TCP-LISTEN:" + relayPort + ",bind=127.0.0.1,reuseaddr,fork,nodelay",
                    "UNIX-CONNECT:" + ovs.managementSocket("pb0")).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            String result;
            try {
                awaitListening(relayPort, socat);
                result = runBench("--switch", "tcp:127.0.0.1:" + port,
                        "--switch-endpoint", "unix:" + ovs.managementSocket("pb0"),
                        "--rounds", "1", "--barriers", "50", "--flowmods", "2000", "--busy-poll-us", "0",
                        "--compare-busy-poll-us", "50", "--reference-relay", "tcp:127.0.0.1:" + relayPort);
            } finally {
                socat.destroy();
                assertTrue(socat.waitFor(10, TimeUnit.SECONDS), "socat stopped");
            }
            Map<String, String> f = KeyValueLine.fields(result);
            for (String path : List.of("direct", "proxy", "proxy_busypoll", "proxy_tcp", "socat")) {
                assertTrue(Double.parseDouble(f.get("barrier_rtt_us_" + path)) > 0, path + " in " + result);
                assertTrue(Double.parseDouble(f.get("flowmods_per_s_" + path)) > 0, path + " in " + result);
            }
            assertEquals("0", f.get("busy_poll_us"));
            assertEquals("50", f.get("compare_busy_poll_us"));
            assertEquals("unix", f.get("switch_endpoint"));
            // the ratio is of the unrounded round trips; the line prints them to 0.1 us and the ratio
            // to 0.001, so the ratio of the printed values may differ by their rounding, no more
            double direct = Double.parseDouble(f.get("barrier_rtt_us_direct"));
            double proxy = Double.parseDouble(f.get("barrier_rtt_us_proxy"));
            double ratio = Double.parseDouble(f.get("barrier_rtt_ratio"));
            double rounding = ratio * (0.05 / direct + 0.05 / proxy) + 0.0005;
            assertEquals(proxy / direct, ratio, rounding, result);
            double relay = Double.parseDouble(f.get("barrier_rtt_us_socat"));
            double versusRelay = Double.parseDouble(f.get("proxy_vs_socat_rtt"));
            assertEquals(proxy / relay, versusRelay, versusRelay * (0.05 / relay + 0.05 / proxy) + 0.0005, result);
            assertTrue(Double.parseDouble(f.get("proxy_vs_socat_throughput")) > 0, result);
            assertEquals("0", ovs.ofctl("-O", "OpenFlow13", "dump-aggregate", "pb0").replaceAll("(?s).*flow_count=(\\d+).*", "$1"),
                    "every measurement deletes the flows it added");
        }
    }

    private static void awaitListening(int port, Process relay) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (java.net.Socket probe = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException e) {
                if (!relay.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("socat does not listen on port=" + port + " alive=" + relay.isAlive(), e);
                }
                Thread.sleep(20);
            }
        }
    }

    private static String runBench(String... args) throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            ProxyBench.main(args);
        } finally {
            System.setOut(saved);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        return text.lines().filter(l -> l.startsWith("RESULT proxy ")).findFirst()
                .orElseThrow(() -> new AssertionError("no RESULT line in: " + text));
    }
}
