package org.ovshighway.testbed;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
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
 * the time of N FLOW_MODs followed by a BARRIER, sent by a TCP client directly to the bridge's
 * {@code ptcp:} listener and through in-process proxies (passive listeners, as {@code highway attach
 * --passive} opens them): one as configured ({@code --busy-poll-us}, default the proxy's own, relaying
 * to {@code --switch-endpoint}, the bridge's management socket in the harness as in a deployment), one
 * whose event loops busy-poll for {@code --compare-busy-poll-us} instead, and, when the endpoint is
 * not that TCP listener, one relaying over loopback TCP; with {@code --reference-relay tcp:HOST:PORT},
 * also through that relay (the harness starts {@code socat}, a plain byte relay in C, toward the same
 * endpoint): what any relay costs on the machine, beside what the proxy costs. Rounds rotate
 * the order of the paths so that drifting machine load hits all alike; each figure is the median over
 * rounds. Prints {@code RESULT proxy ...}; the ratios of the first two keys are the configured proxy's.
 */
public final class ProxyBench {

    private ProxyBench() {
    }

    /** Name of the reference relay's path and the suffix of its keys. */
    private static final String REFERENCE = "socat";

    /** One way to reach the switch: directly, or through a proxy that relays to some switch endpoint. */
    private record Path(String name, InetSocketAddress address) {
    }

    public static void main(String[] args) throws Exception {
        HarnessOptions options = HarnessOptions.parse("ProxyBench", args, Map.of(
                "switch", "", "switch-endpoint", "", "rounds", "5", "barriers", "2000", "flowmods", "100000",
                "batch", "500", "busy-poll-us", String.valueOf(ProxyConfig.DEFAULT_BUSY_POLL.toNanos() / 1000),
                "compare-busy-poll-us", "100", "reference-relay", ""));
        OpenFlowTarget target = OpenFlowTarget.parse(options.string("switch"));
        if (target.kind() != OpenFlowTarget.Kind.TCP) {
            throw new IllegalArgumentException("ProxyBench: --switch must be tcp:HOST:PORT (the bridge's ptcp listener): switch=" + target);
        }
        // Where the proxy relays to: the bridge's management socket in a deployment (highway attach
        // --passive defaults to unix:RUNDIR/BR.mgmt), else the same TCP listener the direct client uses.
        OpenFlowTarget endpoint = options.string("switch-endpoint").isEmpty() ? target
                : OpenFlowTarget.parse(options.string("switch-endpoint"));
        int rounds = options.positiveInt("rounds");
        int barriers = options.positiveInt("barriers");
        int flowMods = options.positiveInt("flowmods");
        int batch = options.positiveInt("batch");
        long busyPollUs = Long.parseLong(options.string("busy-poll-us"));
        long compareUs = Long.parseLong(options.string("compare-busy-poll-us"));
        try (OpenFlowProxy proxy = startProxy(endpoint, Duration.ofNanos(busyPollUs * 1000));
             OpenFlowProxy compared = startProxy(endpoint, Duration.ofNanos(compareUs * 1000));
             OpenFlowProxy overTcp = startProxy(target, Duration.ofNanos(busyPollUs * 1000))) {
            List<Path> paths = new ArrayList<>(List.of(
                    new Path("direct", new InetSocketAddress(target.host(), target.port())),
                    // As configured: the figure the targets are about.
                    new Path("proxy", proxy.passiveAddress().orElseThrow()),
                    // The other busy-poll window: what polling instead of sleeping buys or costs.
                    new Path("proxy_busypoll", compared.passiveAddress().orElseThrow())));
            if (!endpoint.equals(target)) {
                // Relaying over loopback TCP instead: what the management socket buys.
                paths.add(new Path("proxy_tcp", overTcp.passiveAddress().orElseThrow()));
            }
            int proxies = paths.size();
            if (!options.string("reference-relay").isEmpty()) {
                OpenFlowTarget relay = OpenFlowTarget.parse(options.string("reference-relay"));
                if (relay.kind() != OpenFlowTarget.Kind.TCP) {
                    throw new IllegalArgumentException("ProxyBench: --reference-relay must be tcp:HOST:PORT: reference-relay="
                            + relay);
                }
                paths.add(new Path(REFERENCE, new InetSocketAddress(relay.host(), relay.port())));
            }
            // A cold JVM on a loaded machine can miss OVS's one-second HELLO deadline on its first
            // relayed connection (OVS then drops it): open short sessions until one succeeds.
            for (Path path : paths.subList(1, paths.size())) {
                warmUp(path.address());
            }
            // Warm-up: JIT of the proxies and this client.
            for (Path path : paths) {
                measure(path.address(), barriers, Math.min(flowMods, 20_000), batch);
            }
            int n = paths.size();
            double[][] rtt = new double[n][rounds];
            double[][] rate = new double[n][rounds];
            for (int r = 0; r < rounds; r++) {
                // Rotate which path goes first, so that none always follows another's flow deletion.
                for (int k = 0; k < n; k++) {
                    int p = (r + k) % n;
                    double[] m = measure(paths.get(p).address(), barriers, flowMods, batch);
                    rtt[p][r] = m[0];
                    rate[p][r] = m[1];
                }
                StringBuilder line = new StringBuilder("round " + (r + 1) + ":");
                for (int p = 0; p < n; p++) {
                    line.append(String.format(" %s barrier_rtt_us=%.1f flowmods_per_s=%.0f", paths.get(p).name(),
                            rtt[p][r], rate[p][r]));
                }
                System.err.println(line);
            }
            double rttDirect = median(rtt[0]);
            double rateDirect = median(rate[0]);
            StringBuilder result = new StringBuilder(String.format(
                    "RESULT proxy barrier_rtt_ratio=%.3f flowmod_throughput_ratio=%.3f barrier_rtt_us_direct=%.1f"
                            + " flowmods_per_s_direct=%.0f",
                    median(rtt[1]) / rttDirect, median(rate[1]) / rateDirect, rttDirect, rateDirect));
            for (int p = 1; p < proxies; p++) {
                String suffix = paths.get(p).name().substring("proxy".length());
                result.append(String.format(" barrier_rtt_us_proxy%s=%.1f flowmods_per_s_proxy%s=%.0f", suffix,
                        median(rtt[p]), suffix, median(rate[p])));
                if (p > 1) {
                    result.append(String.format(" barrier_rtt_ratio%s=%.3f flowmod_throughput_ratio%s=%.3f", suffix,
                            median(rtt[p]) / rttDirect, suffix, median(rate[p]) / rateDirect));
                }
            }
            if (n > proxies) {
                // the proxy against a plain relay on the same machine: the share of the cost that is the proxy's own
                double rttRelay = median(rtt[proxies]);
                double rateRelay = median(rate[proxies]);
                result.append(String.format(" barrier_rtt_us_%s=%.1f flowmods_per_s_%s=%.0f barrier_rtt_ratio_%s=%.3f"
                                + " proxy_vs_%s_rtt=%.3f proxy_vs_%s_throughput=%.3f", REFERENCE, rttRelay, REFERENCE,
                        rateRelay, REFERENCE, rttRelay / rttDirect, REFERENCE, median(rtt[1]) / rttRelay, REFERENCE,
                        median(rate[1]) / rateRelay));
            }
            result.append(String.format(" busy_poll_us=%d compare_busy_poll_us=%d switch_endpoint=%s flowmods=%d"
                            + " barriers=%d rounds=%d",
                    busyPollUs, compareUs, endpoint.kind().name().toLowerCase(java.util.Locale.ROOT), flowMods, barriers, rounds));
            System.out.println(result);
            for (OpenFlowProxy p : List.of(proxy, compared, overTcp)) {
                if (p.metrics().malformedCloses() != 0 || p.metrics().upstreamConnectFailures() != 0) {
                    throw new IllegalStateException("proxy misbehaved during the benchmark: " + p.metrics());
                }
            }
        }
    }

    private static OpenFlowProxy startProxy(OpenFlowTarget target, Duration busyPoll) {
        return OpenFlowProxy.start(new ProxyConfig(List.of(),
                Optional.of(new ProxyRoute(new InetSocketAddress("127.0.0.1", 0), target)), RelayPolicy.plain(),
                Optional.empty(), ProxyConfig.DEFAULT_CONNECT_TIMEOUT, busyPoll));
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
