package org.ovshighway.testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Joins the receiver's arrival gaps ({@code TRAFFIC_GAP port=P end_nanos=T gap_ns=G} lines of a
 * {@link TrafficGuest} run with {@code --gap-threshold-us}) with the events of a
 * {@link BypassBench} run ({@code BYPASS_RUN} lines): a gap belongs to a run's establish window
 * when it overlaps [sent, first_frame + margin], to its revert window when it overlaps
 * [revert_sent, revert_done + margin], and is "outside" otherwise (the background: what the
 * machine does to the receiver anyway). Both sides take System.nanoTime in processes on the
 * same machine (CLOCK_MONOTONIC), so the times compare directly.
 *
 * <p>Prints {@code BYPASS_GAPS establish_max_us=.. revert_max_us=.. establish_p50_us=.. revert_p50_us=..
 * outside_max_us=..
 * windows=.. gaps=..} and the worst gap of each kind with its run. A window of a run that did
 * not complete is left out (the bench reports that run as failed).
 */
public final class BypassGapReport {
    private BypassGapReport() {
    }

    /** One event window, nanoTime bounds inclusive. */
    record Window(int run, String kind, long start, long end) {
    }

    /** One recorded gap: it ended at {@code end} and lasted {@code length} ns. */
    record Gap(long end, long length) {
        long start() {
            return end - length;
        }
    }

    /**
     * The largest gap per window kind ("establish", "revert") and outside every window, with where
     * it was; {@code uncovered} windows end after the last recorded gap while the receiver could
     * not record every gap (its capacity ran out): their gaps are unknown.
     */
    record Result(Map<String, Gap> worst, Map<String, Integer> worstRun, Gap worstOutside, int windows, int gaps,
                  int uncovered, Map<String, Long> medianWindowMaxNanos) {
        long maxNanos(String kind) {
            Gap g = worst.get(kind);
            return g == null ? 0 : g.length();
        }

        /**
         * The median over the windows of {@code kind} of each one's largest gap (0 for a window
         * without a recorded gap): the typical pause, where {@link #maxNanos} is the worst one.
         */
        long medianNanos(String kind) {
            return medianWindowMaxNanos.getOrDefault(kind, 0L);
        }
    }

    static Result join(List<Window> windows, List<Gap> gaps) {
        return join(windows, gaps, false);
    }

    /** As {@link #join(List, List)}; {@code overflowed}: the receiver recorded only the first gaps. */
    static Result join(List<Window> windows, List<Gap> gaps, boolean overflowed) {
        Joiner joiner = new Joiner(windows);
        gaps.forEach(joiner::add);
        return joiner.result(overflowed);
    }

    /**
     * Attributes gaps one at a time (a receiver at 50 % load records millions: they are never all
     * held in memory).
     */
    static final class Joiner {
        private final List<Window> windows;
        /** The largest gap seen in each window (same order as {@link #windows}). */
        private final long[] windowMax;
        private final Map<String, Gap> worst = new HashMap<>();
        private final Map<String, Integer> worstRun = new HashMap<>();
        private Gap outside;
        private int count;
        private long lastEnd = Long.MIN_VALUE;

        Joiner(List<Window> windows) {
            this.windows = List.copyOf(windows);
            this.windowMax = new long[windows.size()];
        }

        void add(Gap gap) {
            count++;
            lastEnd = Math.max(lastEnd, gap.end());
            boolean inside = false;
            for (int i = 0; i < windows.size(); i++) {
                Window w = windows.get(i);
                if (gap.start() <= w.end() && gap.end() >= w.start()) {
                    inside = true;
                    windowMax[i] = Math.max(windowMax[i], gap.length());
                    Gap before = worst.get(w.kind());
                    if (before == null || gap.length() > before.length()) {
                        worst.put(w.kind(), gap);
                        worstRun.put(w.kind(), w.run());
                    }
                }
            }
            if (!inside && (outside == null || gap.length() > outside.length())) {
                outside = gap;
            }
        }

        int count() {
            return count;
        }

        Result result(boolean overflowed) {
            int uncovered = 0;
            if (overflowed) {
                long last = lastEnd;
                uncovered = (int) windows.stream().filter(w -> w.end() > last).count();
            }
            Map<String, List<Long>> perKind = new HashMap<>();
            for (int i = 0; i < windows.size(); i++) {
                perKind.computeIfAbsent(windows.get(i).kind(), k -> new java.util.ArrayList<>()).add(windowMax[i]);
            }
            Map<String, Long> medians = new HashMap<>();
            perKind.forEach((kind, maxima) -> medians.put(kind,
                    BypassBench.percentile(maxima.stream().mapToLong(Long::longValue).sorted().toArray(), 50)));
            return new Result(worst, worstRun, outside, windows.size(), count, uncovered, medians);
        }
    }

    /**
     * The windows of every completed run in {@code BYPASS_RUN} lines; those of warm-up runs
     * (run <= 0) have kinds {@code warmup-establish} and {@code warmup-revert}.
     */
    static List<Window> windows(List<String> benchLines, long marginNanos) {
        List<Window> out = new ArrayList<>();
        for (String line : benchLines) {
            if (!line.startsWith("BYPASS_RUN ")) {
                continue;
            }
            Map<String, String> f = KeyValueLine.fields(line);
            int run = Integer.parseInt(f.get("run"));
            long sent = number(f, "sent_nanos", line);
            long first = number(f, "first_frame_nanos", line);
            long revertSent = number(f, "revert_sent_nanos", line);
            long revertDone = number(f, "revert_done_nanos", line);
            // a warm-up cycle's gaps are its own: neither the measured windows' nor "outside"
            String prefix = run <= 0 ? "warmup-" : "";
            if (sent != 0 && first != 0) {
                out.add(new Window(run, prefix + "establish", sent, first + marginNanos));
            }
            if (revertSent != 0 && revertDone != 0) {
                out.add(new Window(run, prefix + "revert", revertSent, revertDone + marginNanos));
            }
        }
        return out;
    }

    /** The gaps of {@code port} in TRAFFIC_GAP lines. */
    static List<Gap> gaps(List<String> guestLines, String port) {
        List<Gap> out = new ArrayList<>();
        for (String line : guestLines) {
            Gap gap = gap(line, port);
            if (gap != null) {
                out.add(gap);
            }
        }
        return out;
    }

    /** The gap in a TRAFFIC_GAP line of {@code port}, else null. */
    static Gap gap(String line, String port) {
        if (!line.startsWith("TRAFFIC_GAP port=") || !line.startsWith(port + " ", "TRAFFIC_GAP port=".length())) {
            return null;
        }
        // "TRAFFIC_GAP port=P end_nanos=E gap_ns=G": parsed without a map, millions of lines
        return new Gap(longAfter(line, "end_nanos"), longAfter(line, "gap_ns"));
    }

    private static long longAfter(String line, String key) {
        int at = line.indexOf(" " + key + "=");
        if (at < 0) {
            throw new IllegalArgumentException("missing field=" + key + " in line: " + line);
        }
        int from = at + key.length() + 2;
        int to = line.indexOf(' ', from);
        String value = to < 0 ? line.substring(from) : line.substring(from, to);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("field=" + key + " value=" + value + " is not a number in line: " + line, e);
        }
    }

    private static long number(Map<String, String> f, String key, String line) {
        String v = f.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing field=" + key + " in line: " + line);
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("field=" + key + " value=" + v + " is not a number in line: " + line, e);
        }
    }

    public static void main(String[] args) throws IOException {
        HarnessOptions o;
        try {
            o = HarnessOptions.parse("BypassGapReport", args, Map.of("bench-log", "", "guest-log", "", "port", "",
                    "margin-ms", "5"));
            if (o.string("bench-log").isEmpty() || o.string("guest-log").isEmpty() || o.string("port").isEmpty()) {
                throw new IllegalArgumentException("BypassGapReport: --bench-log, --guest-log and --port are required");
            }
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        List<Window> windows = windows(Files.readAllLines(Path.of(o.string("bench-log"))),
                o.nonNegativeInt("margin-ms") * 1_000_000L);
        String port = o.string("port");
        Joiner joiner = new Joiner(windows);
        String summary = null;
        // streamed: the receiver's log holds a line per recorded gap, millions at 50 % load
        try (java.io.BufferedReader in = Files.newBufferedReader(Path.of(o.string("guest-log")))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                Gap gap = gap(line, port);
                if (gap != null) {
                    joiner.add(gap);
                } else if (summary == null && line.startsWith("TRAFFIC_SUMMARY port=" + port + " ")) {
                    summary = line;
                }
            }
        }
        if (summary == null) {
            System.err.println("BypassGapReport: no TRAFFIC_SUMMARY for port=" + port + " in "
                    + o.string("guest-log") + " (did the receiver run with --gap-threshold-us and stop cleanly?)");
            System.exit(1);
        }
        Map<String, String> receiver = KeyValueLine.fields(summary);
        long overflow = number(receiver, "gaps_overflow", summary);
        long recorded = number(receiver, "gaps_recorded", summary);
        if (recorded != joiner.count()) {
            System.err.println("BypassGapReport: the receiver recorded gaps_recorded=" + recorded + " but "
                    + o.string("guest-log") + " holds " + joiner.count() + " TRAFFIC_GAP lines for port=" + port
                    + " (did it die while printing them?)");
            System.exit(1);
        }
        Result r = joiner.result(overflow > 0);
        for (String kind : List.of("establish", "revert")) {
            Gap g = r.worst().get(kind);
            if (g != null) {
                System.out.printf(Locale.ROOT, "BYPASS_WORST_GAP kind=%s run=%d gap_us=%.1f end_nanos=%d%n", kind,
                        r.worstRun().get(kind), g.length() / 1e3, g.end());
            }
        }
        if (r.worstOutside() != null) {
            System.out.printf(Locale.ROOT, "BYPASS_WORST_GAP kind=outside gap_us=%.1f end_nanos=%d%n",
                    r.worstOutside().length() / 1e3, r.worstOutside().end());
        }
        // the receiver's largest gap of all bounds what an unrecorded window can hold
        System.out.printf(Locale.ROOT, "BYPASS_GAPS establish_max_us=%.1f revert_max_us=%.1f establish_p50_us=%.1f"
                        + " revert_p50_us=%.1f outside_max_us=%.1f"
                        + " windows=%d gaps=%d gaps_overflow=%d uncovered_windows=%d receiver_max_us=%.1f%n",
                r.maxNanos("establish") / 1e3, r.maxNanos("revert") / 1e3, r.medianNanos("establish") / 1e3,
                r.medianNanos("revert") / 1e3,
                r.worstOutside() == null ? 0.0 : r.worstOutside().length() / 1e3, r.windows(), r.gaps(), overflow,
                r.uncovered(), number(receiver, "max_gap_ns", summary) / 1e3);
        if (r.uncovered() > 0) {
            System.err.println("BypassGapReport: the receiver recorded only its first " + r.gaps() + " gaps (gaps_overflow="
                    + overflow + "); " + r.uncovered() + " windows ended after the last one recorded; raise"
                    + " --gap-capacity or --gap-threshold-us");
        }
    }
}
