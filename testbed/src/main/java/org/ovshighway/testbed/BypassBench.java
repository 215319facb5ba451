package org.ovshighway.testbed;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The establish/revert cycles of {@code testbed/bench bypass} ({@link EstablishCycles}) from
 * the command line: against a running {@code highway agent} (bypass on, link regions in
 * {@code --region-dir}) whose sender port ({@code --sender}, OpenFlow port {@code --in-port})
 * already has the rule {@code in_port=IN, actions=output:OUT} and a guest sending on it, it
 * repeats {@code --runs} times, after {@code --warmup-runs} (default 1) identical cycles that are
 * printed (run numbers 0, -1, ...) but left out of the summary (the first link of a fresh agent,
 * guests and harness runs cold code and is reported on its own): delete the breaker rule through {@code --openflow} and time
 * until the first frame on the link ring; after {@code --on-link-ms} re-add it through
 * {@code --revert-openflow} (default the same target) and time until the link region is gone;
 * wait {@code --settle-ms}. Polling parks {@code --poll-us} (default {@value #POLL_NANOS} ns) between looks. With
 * {@code --expect-link false} (a baseline: the agent's bypass off) the same flow changes go to
 * OVS alone and each run's establish and revert end with OVS's barrier replies.
 *
 * <p>Output: one {@code BYPASS_RUN} line per run with every time (System.nanoTime, i.e.
 * CLOCK_MONOTONIC, comparable with the receiver's TRAFFIC_GAP lines) and the durations in us,
 * then {@code BYPASS_ESTABLISH} and {@code BYPASS_REVERT} lines with p50/p99/max in ms over
 * the runs that completed. Exit status 1 when a run timed out (the line says where), 2 on bad
 * options.
 */
public final class BypassBench {
    /** Default park between two looks ({@code --poll-us}). */
    static final long POLL_NANOS = 20_000;

    private BypassBench() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out));
    }

    /** The whole harness, printing to {@code out}; returns the exit status. */
    static int run(String[] args, java.io.PrintStream out) throws Exception {
        HarnessOptions o;
        boolean expectLink;
        try {
            o = HarnessOptions.parse("BypassBench", args, Map.ofEntries(
                    Map.entry("openflow", ""),
                    Map.entry("revert-openflow", ""),
                    Map.entry("region-dir", ""),
                    Map.entry("sender", ""),
                    Map.entry("in-port", "1"),
                    Map.entry("runs", "100"),
                    Map.entry("warmup-runs", "1"),
                    Map.entry("on-link-ms", "200"),
                    Map.entry("settle-ms", "700"),
                    Map.entry("timeout-ms", "5000"),
                    Map.entry("poll-us", String.valueOf(POLL_NANOS / 1000)),
                    Map.entry("expect-link", "true")));
            if (o.string("openflow").isEmpty() || o.string("region-dir").isEmpty() || o.string("sender").isEmpty()) {
                throw new IllegalArgumentException("BypassBench: --openflow, --region-dir and --sender are required");
            }
            expectLink = expectLink(o.string("expect-link"));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        String revertTarget = o.string("revert-openflow").isEmpty() ? o.string("openflow") : o.string("revert-openflow");
        int runs = o.positiveInt("runs");
        List<EstablishCycles.Run> results = EstablishCycles.run(new EstablishCycles.Settings(o.string("openflow"),
                revertTarget, Path.of(o.string("region-dir")), o.string("sender"), o.positiveInt("in-port"),
                o.nonNegativeInt("warmup-runs"), runs,
                o.nonNegativeInt("on-link-ms"), o.nonNegativeInt("settle-ms"), o.positiveInt("timeout-ms") * 1_000_000L,
                o.positiveInt("poll-us") * 1_000L, expectLink), out);
        List<EstablishCycles.Run> measured = results.stream().filter(r -> r.index() > 0).toList();
        out.println(summary("BYPASS_ESTABLISH", measured.stream().filter(EstablishCycles.Run::established)
                .mapToLong(r -> r.firstFrame() - r.sent()).toArray(), runs));
        out.println(summary("BYPASS_REVERT", measured.stream().filter(EstablishCycles.Run::reverted)
                .mapToLong(r -> r.revertDone() - r.revertSent()).toArray(), runs));
        out.flush();
        boolean failed = results.stream().anyMatch(r -> !r.failure().isEmpty());
        return failed ? 1 : 0;
    }

    private static boolean expectLink(String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("BypassBench: option=--expect-link value=" + value
                    + " (true: the agent links the pair; false: a baseline through OVS alone)");
        };
    }

    /** "NAME runs=R completed=C p50_ms=.. p99_ms=.. max_ms=.. min_ms=.." over {@code nanos}. */
    static String summary(String name, long[] nanos, int runs) {
        long[] sorted = nanos.clone();
        java.util.Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%s runs=%d completed=%d p50_ms=%s p99_ms=%s max_ms=%s min_ms=%s", name, runs,
                sorted.length, ms(percentile(sorted, 50)), ms(percentile(sorted, 99)),
                ms(sorted.length == 0 ? -1 : sorted[sorted.length - 1]), ms(sorted.length == 0 ? -1 : sorted[0]));
    }

    /** Nearest-rank percentile of sorted values; -1 when there are none. */
    static long percentile(long[] sorted, int p) {
        if (p <= 0 || p > 100) {
            throw new IllegalArgumentException("percentile p=" + p + " must be 1..100");
        }
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    private static String ms(long nanos) {
        return nanos < 0 ? "na" : String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }
}
