package org.ovshighway.testbed;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ovshighway.proxy.OpenFlowProxy;
import org.ovshighway.proxy.OpenFlowTarget;
import org.ovshighway.proxy.ProxyConfig;
import org.ovshighway.proxy.ProxyRoute;
import org.ovshighway.proxy.RelayPolicy;

/**
 * The proxy's cost, measured against the same OVS in the same run: BARRIER round-trip time and
 * the time of N FLOW_MODs followed by a BARRIER, directly to the bridge's {@code ptcp:} listener
 * and through an in-process proxy (passive listener relaying to that same listener). Rounds
 * alternate direct and proxied so that drifting machine load hits both alike; each figure is the
 * median over rounds. Prints {@code RESULT proxy ...}.
 */
public final class ProxyBench {

    private ProxyBench() {
    }

    public static void main(String[] args) throws Exception {
        HarnessOptions options = HarnessOptions.parse("ProxyBench", args, Map.of(
                "switch", "", "rounds", "5", "barriers", "2000", "flowmods", "100000", "batch", "500"));
        OpenFlowTarget target = OpenFlowTarget.parse(options.string("switch"));
        if (target.kind() != OpenFlowTarget.Kind.TCP) {
            throw new IllegalArgumentException("ProxyBench: --switch must be tcp:HOST:PORT (the bridge's ptcp listener): switch=" + target);
        }
        int rounds = options.positiveInt("rounds");
        int barriers = options.positiveInt("barriers");
        int flowMods = options.positiveInt("flowmods");
        int batch = options.positiveInt("batch");
        InetSocketAddress direct = new InetSocketAddress(target.host(), target.port());
        try (OpenFlowProxy proxy = OpenFlowProxy.start(new ProxyConfig(List.of(),
                Optional.of(new ProxyRoute(new InetSocketAddress("127.0.0.1", 0), target)), RelayPolicy.plain(),
                Optional.empty(), ProxyConfig.DEFAULT_CONNECT_TIMEOUT))) {
            InetSocketAddress proxied = proxy.passiveAddress().orElseThrow();
            // A cold JVM on a loaded machine can miss OVS's one-second HELLO deadline on its first
            // relayed connection (OVS then drops it): open short sessions until one succeeds.
            warmUp(proxied);
            // Warm-up: JIT of both the proxy and this client.
            measure(direct, barriers, Math.min(flowMods, 20_000), batch);
            measure(proxied, barriers, Math.min(flowMods, 20_000), batch);
            double[] rttDirect = new double[rounds];
            double[] rttProxy = new double[rounds];
            double[] fmDirect = new double[rounds];
            double[] fmProxy = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                // Alternate which goes first, so neither always follows the other's flow deletion.
                boolean directFirst = r % 2 == 0;
                double[] a = measure(directFirst ? direct : proxied, barriers, flowMods, batch);
                double[] b = measure(directFirst ? proxied : direct, barriers, flowMods, batch);
                double[] d = directFirst ? a : b;
                double[] p = directFirst ? b : a;
                rttDirect[r] = d[0];
                rttProxy[r] = p[0];
                fmDirect[r] = d[1];
                fmProxy[r] = p[1];
                System.err.printf("round %d: barrier_rtt_us direct=%.1f proxy=%.1f  flowmods_per_s direct=%.0f proxy=%.0f%n",
                        r + 1, d[0], p[0], d[1], p[1]);
            }
            double rttD = median(rttDirect);
            double rttP = median(rttProxy);
            double fmD = median(fmDirect);
            double fmP = median(fmProxy);
            System.out.printf("RESULT proxy barrier_rtt_ratio=%.3f flowmod_throughput_ratio=%.3f barrier_rtt_us_direct=%.1f"
                            + " barrier_rtt_us_proxy=%.1f flowmods_per_s_direct=%.0f flowmods_per_s_proxy=%.0f"
                            + " flowmods=%d barriers=%d rounds=%d%n",
                    rttP / rttD, fmP / fmD, rttD, rttP, fmD, fmP, flowMods, barriers, rounds);
            if (proxy.metrics().malformedCloses() != 0 || proxy.metrics().upstreamConnectFailures() != 0) {
                throw new IllegalStateException("proxy misbehaved during the benchmark: " + proxy.metrics());
            }
        }
    }

    private static void warmUp(InetSocketAddress address) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try (OpenFlowBenchClient client = OpenFlowBenchClient.connect(address)) {
                for (int i = 0; i < 200; i++) {
                    client.barrierRoundTrip();
                }
                return;
            } catch (java.io.IOException e) {
                System.err.println("warm-up session failed, retrying: attempt=" + attempt + " error=" + e.getMessage());
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    /** Returns {median barrier RTT in µs, flow-mods per second}; leaves the table empty. */
    private static double[] measure(InetSocketAddress address, int barriers, int flowMods, int batch) throws Exception {
        try (OpenFlowBenchClient client = OpenFlowBenchClient.connect(address)) {
            client.deleteAllFlows();
            long[] rtt = new long[barriers];
            for (int i = 0; i < barriers; i++) {
                rtt[i] = client.barrierRoundTrip();
            }
            Arrays.sort(rtt);
            long nanos = client.flowModsThenBarrier(flowMods, batch);
            client.deleteAllFlows();
            if (client.errors() != 0) {
                throw new IllegalStateException("switch answered with OpenFlow errors: errors=" + client.errors()
                        + " address=" + address);
            }
            return new double[]{rtt[barriers / 2] / 1000.0, flowMods * 1e9 / nanos};
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

}
