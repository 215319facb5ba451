package org.ovshighway.testbed;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

import org.ovshighway.guest.abi.LinkControl;
import org.ovshighway.guest.abi.RegionFormatException;
import org.ovshighway.guest.abi.RegionKind;
import org.ovshighway.guest.abi.RegionValidator;
import org.ovshighway.guest.abi.RingCounters;
import org.ovshighway.guest.abi.ValidatedRegion;
import org.ovshighway.guest.mapping.MappedRegion;

/**
 * The establish/revert cycles of {@code testbed/bench bypass}: against a running
 * {@code highway agent} (bypass on, link regions in {@code --region-dir}) whose sender port
 * ({@code --sender}, OpenFlow port {@code --in-port}) already has the rule
 * {@code in_port=IN, actions=output:OUT} and a guest sending on it, it repeats {@code --runs}
 * times, after {@code --warmup-runs} (default 1) identical cycles that are printed (run numbers
 * 0, -1, ...) but left out of the summary: the first link of a fresh agent, guests and harness
 * runs cold code (class loading, interpreter) and is reported on its own, not as one of the runs:
 * <ol>
 *   <li><b>establish</b>: deletes the breaker rule (priority {@value #BREAKER_PRIORITY},
 *       {@code in_port=IN, eth_type=0x0806, actions=LOCAL}: some of IN's traffic, ARP, would
 *       go to LOCAL, so the direction is not point-to-point) with one FLOW_MOD DELETE_STRICT
 *       plus BARRIER on an open OpenFlow connection ({@code --openflow}). The clock starts
 *       right before that write ({@code sent}). Then it polls {@code --region-dir} for the new
 *       link region naming the sender as end 0, maps it, and records when it first saw: the
 *       region valid ({@code region}), both ends mapped ({@code mapped}, the guests' scan), the
 *       link usable ({@code usable}, the agent), and ring 0's producer counter above zero
 *       ({@code first_frame}: the first data frame the sender committed on the link ring).
 *       Establishment time = first_frame - sent.</li>
 *   <li>after {@code --on-link-ms}, <b>revert</b>: adds the breaker rule again (through
 *       {@code --revert-openflow}, by default the same target; through the agent's proxy the
 *       barrier reply comes only after the link was reverted) and polls until the link region
 *       file is gone (the agent deletes it when the link is closed).</li>
 *   <li>waits {@code --settle-ms} (the agent will not link a pair again within 500 ms of a revert
 *       that a held flow change caused, nor within bypass-quiet-ms of a change its proxy
 *       forwarded).</li>
 * </ol>
 * Polling parks ~{@value #POLL_NANOS} ns between looks (this harness shares two cores with the
 * guests, the agent and OVS), so every time is late by up to one poll plus scheduling.
 *
 * <p>Output: one {@code BYPASS_RUN} line per run with every time (System.nanoTime, i.e.
 * CLOCK_MONOTONIC, comparable with the receiver's TRAFFIC_GAP lines) and the durations in us,
 * then {@code BYPASS_ESTABLISH} and {@code BYPASS_REVERT} lines with p50/p99/max in ms over
 * the runs that completed. Exit status 1 when a run timed out (the line says where), 2 on bad
 * options.
 */
public final class BypassBench {
    /** Priority of the breaker rule: above the port-to-port rule's (ovs-ofctl's default 32768). */
    static final int BREAKER_PRIORITY = 40000;
    static final int ETH_TYPE_ARP = 0x0806;
    static final long POLL_NANOS = 20_000;
    private static final String LINK_PREFIX = "hwlink-";

    private BypassBench() {
    }

    /** Milestones of one run, System.nanoTime; 0 = not seen. */
    static final class Run {
        final int index;
        long sent;
        long barrier;
        long region;
        long mapped;
        long usable;
        long firstFrame;
        long revertSent;
        long revertBarrier;
        long revertDone;
        long linkId;
        /** Wall clock (ms) right after the establishing FLOW_MOD's barrier reply: to find the run in the agent's log. */
        long sentWallMillis;
        String failure = "";

        Run(int index) {
            this.index = index;
        }

        boolean established() {
            return firstFrame != 0;
        }

        boolean reverted() {
            return revertDone != 0;
        }

        String line() {
            return String.format(Locale.ROOT, "BYPASS_RUN run=%d link=%d sent_wall=%s sent_nanos=%d barrier_nanos=%d region_nanos=%d"
                            + " mapped_nanos=%d usable_nanos=%d first_frame_nanos=%d revert_sent_nanos=%d"
                            + " revert_barrier_nanos=%d revert_done_nanos=%d establish_us=%s region_us=%s mapped_us=%s"
                            + " usable_us=%s revert_us=%s revert_barrier_us=%s%s",
                    index, linkId, java.time.Instant.ofEpochMilli(sentWallMillis), sent, barrier, region, mapped, usable, firstFrame, revertSent, revertBarrier,
                    revertDone, since(sent, firstFrame), since(sent, region), since(sent, mapped), since(sent, usable),
                    since(revertSent, revertDone), since(revertSent, revertBarrier),
                    failure.isEmpty() ? "" : " failure=\"" + failure + "\"");
        }

        private static String since(long from, long to) {
            return from == 0 || to == 0 ? "na" : String.format(Locale.ROOT, "%.1f", (to - from) / 1e3);
        }
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out));
    }

    /** The whole harness, printing to {@code out}; returns the exit status. */
    static int run(String[] args, java.io.PrintStream out) throws Exception {
        HarnessOptions o;
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
                    Map.entry("timeout-ms", "5000")));
            if (o.string("openflow").isEmpty() || o.string("region-dir").isEmpty() || o.string("sender").isEmpty()) {
                throw new IllegalArgumentException("BypassBench: --openflow, --region-dir and --sender are required");
            }
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        String revertTarget = o.string("revert-openflow").isEmpty() ? o.string("openflow") : o.string("revert-openflow");
        Path regionDir = Path.of(o.string("region-dir"));
        String sender = o.string("sender");
        int inPort = o.positiveInt("in-port");
        int runs = o.positiveInt("runs");
        int warmupRuns = o.nonNegativeInt("warmup-runs");
        long onLinkMs = o.nonNegativeInt("on-link-ms");
        long settleMs = o.nonNegativeInt("settle-ms");
        long timeoutNanos = o.positiveInt("timeout-ms") * 1_000_000L;
        List<Run> results = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (OpenFlowBenchClient establish = OpenFlowBenchClient.connect(OpenFlowBenchClient.parseTarget(o.string("openflow")));
             OpenFlowBenchClient revert = revertTarget.equals(o.string("openflow")) ? null
                     : OpenFlowBenchClient.connect(OpenFlowBenchClient.parseTarget(revertTarget))) {
            OpenFlowBenchClient reverter = revert != null ? revert : establish;
            // start from "not point-to-point, no link"
            reverter.portRule(OpenFlowBenchClient.OFPFC_ADD, BREAKER_PRIORITY, inPort, ETH_TYPE_ARP, OpenFlowBenchClient.LOCAL);
            awaitNoLink(regionDir, sender, seen, System.nanoTime() + timeoutNanos);
            for (int i = 1 - warmupRuns; i <= runs; i++) {
                Thread.sleep(settleMs);
                Run run = new Run(i);
                results.add(run);
                OpenFlowBenchClient.RuleChange change = establish.portRule(OpenFlowBenchClient.OFPFC_DELETE_STRICT,
                        BREAKER_PRIORITY, inPort, ETH_TYPE_ARP);
                run.sent = change.sentNanos();
                run.barrier = change.barrierNanos();
                run.sentWallMillis = System.currentTimeMillis() - (System.nanoTime() - run.sent) / 1_000_000;
                watchEstablish(run, regionDir, sender, seen, run.sent + timeoutNanos);
                Thread.sleep(onLinkMs);
                change = reverter.portRule(OpenFlowBenchClient.OFPFC_ADD, BREAKER_PRIORITY, inPort, ETH_TYPE_ARP,
                        OpenFlowBenchClient.LOCAL);
                run.revertSent = change.sentNanos();
                run.revertBarrier = change.barrierNanos();
                if (run.linkId != 0) {
                    run.revertDone = awaitGone(regionDir.resolve(LINK_PREFIX + run.linkId), run.revertSent + timeoutNanos);
                    if (run.revertDone == 0 && run.failure.isEmpty()) {
                        run.failure = "link region still there " + timeoutNanos / 1_000_000 + " ms after the revert";
                    }
                }
                if (run.linkId == 0 || run.revertDone == 0) {
                    // leave nothing behind for the next run to mistake for its own link
                    awaitNoLink(regionDir, sender, seen, System.nanoTime() + timeoutNanos);
                }
                out.println(run.line());
                out.flush();
            }
        }
        List<Run> measured = results.stream().filter(r -> r.index > 0).toList();
        out.println(summary("BYPASS_ESTABLISH", measured.stream().filter(Run::established)
                .mapToLong(r -> r.firstFrame - r.sent).toArray(), runs));
        out.println(summary("BYPASS_REVERT", measured.stream().filter(Run::reverted)
                .mapToLong(r -> r.revertDone - r.revertSent).toArray(), runs));
        out.flush();
        boolean failed = results.stream().anyMatch(r -> !r.failure.isEmpty());
        return failed ? 1 : 0;
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

    /** Polls for the run's link region and its milestones until the first frame or the deadline. */
    private static void watchEstablish(Run run, Path regionDir, String sender, Set<String> seen, long deadline)
            throws IOException {
        MappedRegion mapping = null;
        try {
            MemorySegment region = null;
            ValidatedRegion validated = null;
            while (true) {
                long now = System.nanoTime();
                if (mapping == null) {
                    mapping = findLink(regionDir, sender, seen);
                    if (mapping != null) {
                        now = System.nanoTime();
                        region = mapping.segment();
                        validated = RegionValidator.validate(region);
                        run.region = now;
                        run.linkId = validated.identity().linkId();
                    }
                }
                if (mapping != null) {
                    long generation = validated.identity().generation();
                    if (run.mapped == 0 && LinkControl.acquireMapped(region, 0) == generation
                            && LinkControl.acquireMapped(region, 1) == generation) {
                        run.mapped = now;
                    }
                    if (run.usable == 0 && LinkControl.acquireUsable(region) == generation) {
                        run.usable = now;
                    }
                    if (RingCounters.read(region, validated.layout().ring(0)).producedPackets() > 0) {
                        run.firstFrame = now;
                        // a milestone passed between two looks counts as seen at the later one
                        run.usable = run.usable == 0 ? now : run.usable;
                        run.mapped = run.mapped == 0 ? now : run.mapped;
                        return;
                    }
                }
                if (now > deadline) {
                    run.failure = mapping == null ? "no link region appeared" : "no frame on the link ring";
                    return;
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
        } catch (RegionFormatException e) {
            run.failure = "link region invalid: " + e.getMessage();
        } finally {
            if (mapping != null) {
                mapping.close();
            }
        }
    }

    /**
     * The first valid link region in {@code dir} not seen before whose end 0 is {@code sender},
     * mapped; null when there is none yet (a region still being initialised is looked at again
     * on the next call).
     */
    private static MappedRegion findLink(Path dir, String sender, Set<String> seen) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, LINK_PREFIX + "*")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (seen.contains(name)) {
                    continue;
                }
                MappedRegion mapping;
                try {
                    if (Files.size(file) == 0) {
                        continue;
                    }
                    mapping = MappedRegion.map(file);
                } catch (IOException e) {
                    continue; // deleted or not yet sized: look again next time
                }
                try {
                    ValidatedRegion validated = RegionValidator.validate(mapping.segment());
                    if (validated.identity().kind() == RegionKind.LINK && sender.equals(validated.identity().name0())) {
                        seen.add(name);
                        return mapping;
                    }
                    seen.add(name); // someone else's link: never ours
                } catch (RegionFormatException e) {
                    // its creator writes the magic last: not ready yet
                }
                mapping.close();
            }
        }
        return null;
    }

    /** Polls until {@code file} is gone; its time, or 0 at the deadline. */
    private static long awaitGone(Path file, long deadline) {
        while (true) {
            long now = System.nanoTime();
            if (!Files.exists(file)) {
                return now;
            }
            if (now > deadline) {
                return 0;
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /**
     * Waits until no link region naming {@code sender} as one of its ends exists; every link
     * region present is marked seen (the next establish must find a new one). Regions of other
     * agents (another port's name) may share the directory and are ignored.
     */
    private static void awaitNoLink(Path dir, String sender, Set<String> seen, long deadline) throws IOException,
            InterruptedException {
        Set<String> foreign = new HashSet<>();
        while (true) {
            boolean ours = false;
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, LINK_PREFIX + "*")) {
                for (Path file : files) {
                    String name = file.getFileName().toString();
                    seen.add(name);
                    if (!foreign.contains(name)) {
                        switch (ownership(file, sender)) {
                            case FOREIGN -> foreign.add(name);
                            case OURS, UNKNOWN -> ours = true;
                        }
                    }
                }
            }
            if (!ours) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("a link region of sender=" + sender + " is still in region-dir=" + dir
                        + " after the deadline");
            }
            Thread.sleep(10);
        }
    }

    private enum Ownership {
        /** A valid link region naming the sender. */
        OURS,
        /** A valid region of something else. */
        FOREIGN,
        /** Not (yet, or any more) readable. */
        UNKNOWN
    }

    private static Ownership ownership(Path file, String sender) {
        try (MappedRegion mapping = MappedRegion.map(file)) {
            ValidatedRegion validated = RegionValidator.validate(mapping.segment());
            return sender.equals(validated.identity().name0()) || sender.equals(validated.identity().name1())
                    ? Ownership.OURS : Ownership.FOREIGN;
        } catch (IOException e) { // RegionFormatException included: not initialised yet
            return Ownership.UNKNOWN;
        }
    }
}
