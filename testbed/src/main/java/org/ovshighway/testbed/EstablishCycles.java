package org.ovshighway.testbed;

import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

import org.ovshighway.guest.abi.LinkControl;
import org.ovshighway.guest.abi.RegionFormatException;
import org.ovshighway.guest.abi.RegionIdentity;
import org.ovshighway.guest.abi.RegionInitializer;
import org.ovshighway.guest.abi.RegionKind;
import org.ovshighway.guest.abi.RegionLayout;
import org.ovshighway.guest.abi.RegionValidator;
import org.ovshighway.guest.abi.RingCounters;
import org.ovshighway.guest.abi.ValidatedRegion;
import org.ovshighway.guest.mapping.MappedRegion;

/**
 * Establish/revert cycles of a link against a running {@code highway agent} (bypass on, link
 * regions in {@code regionDir}) whose sender port (OpenFlow port {@code inPort}) already has the
 * rule {@code in_port=IN, actions=output:OUT} and a guest sending on it; used by
 * {@link BypassBench} (process guests) and by the VM scenario's measured establishes
 * ({@code testbed/bench vm-establish}). Each cycle:
 * <ol>
 *   <li><b>establish</b>: deletes the breaker rule (priority {@value #BREAKER_PRIORITY},
 *       {@code in_port=IN, eth_type=0x0806, actions=LOCAL}: some of IN's traffic, ARP, would
 *       go to LOCAL, so the direction is not point-to-point) with one FLOW_MOD DELETE_STRICT
 *       plus BARRIER on an open OpenFlow connection. The clock starts right before that write
 *       ({@code sent}). Right after it (not after the barrier reply, which it reads between
 *       polls: {@code barrier}) it polls {@code regionDir} for the new link region naming the
 *       sender as end 0, maps it, and records when it first saw: the region valid
 *       ({@code region}), both ends mapped ({@code mapped}, the guests' scan), the link usable
 *       ({@code usable}, the agent), and a link ring's producer counter above zero
 *       ({@code first_frame}: the first data frame a sender committed on the link).
 *       Establishment time = first_frame - sent.</li>
 *   <li>after {@code onLinkMs}, <b>revert</b>: adds the breaker rule again (through the revert
 *       connection, by default the same; through the agent's proxy the barrier reply comes only
 *       after the link was reverted) and polls until the link region file is gone (the agent
 *       deletes it when the link is closed).</li>
 *   <li>waits {@code settleMs} (the agent will not link a pair again within 500 ms of a revert
 *       that a held flow change caused, nor within bypass-quiet-ms of a change its proxy
 *       forwarded).</li>
 * </ol>
 * Polling parks {@code pollNanos} between looks (the harness shares two cores with the guests,
 * the agent and OVS), so every time is late by up to one poll plus scheduling.
 */
public final class EstablishCycles {
    /** Priority of the breaker rule: above the port-to-port rule's (ovs-ofctl's default 32768). */
    public static final int BREAKER_PRIORITY = 40000;
    static final int ETH_TYPE_ARP = 0x0806;
    private static final String LINK_PREFIX = "hwlink-";

    private EstablishCycles() {
    }

    /**
     * One series of cycles.
     *
     * @param openflow       where the establishing FLOW_MOD goes ({@code unix:PATH} or {@code tcp:HOST:PORT})
     * @param revertOpenflow where the breaking FLOW_MOD goes (may equal {@code openflow})
     * @param warmupRuns     cycles before the runs, numbered 0, -1, ... (the caller leaves them out of its statistics)
     * @param timeoutNanos   per establish and per revert
     */
    public record Settings(String openflow, String revertOpenflow, Path regionDir, String sender, int inPort,
                           int warmupRuns, int runs, long onLinkMs, long settleMs, long timeoutNanos, long pollNanos,
                           boolean expectLink) {
        /** Cycles that expect the agent to link the pair (its bypass on). */
        public Settings(String openflow, String revertOpenflow, Path regionDir, String sender, int inPort,
                        int warmupRuns, int runs, long onLinkMs, long settleMs, long timeoutNanos, long pollNanos) {
            this(openflow, revertOpenflow, regionDir, sender, inPort, warmupRuns, runs, onLinkMs, settleMs, timeoutNanos,
                    pollNanos, true);
        }

        public Settings {
            if (runs <= 0 || inPort <= 0 || timeoutNanos <= 0 || pollNanos <= 0 || warmupRuns < 0 || onLinkMs < 0
                    || settleMs < 0) {
                throw new IllegalArgumentException("establish cycles: runs=" + runs + " in-port=" + inPort
                        + " timeout-ns=" + timeoutNanos + " poll-ns=" + pollNanos + " warmup-runs=" + warmupRuns
                        + " on-link-ms=" + onLinkMs + " settle-ms=" + settleMs
                        + " (runs, in-port, timeout, poll > 0; the rest >= 0)");
            }
        }
    }

    /** Milestones of one run, System.nanoTime; 0 = not seen. */
    public static final class Run {
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
        /** The run's link was a standby link, there and mapped by both ends before the FLOW_MOD was sent. */
        boolean standby;
        /** Wall clock (ms) at {@link #sent}: to find the run in the agent's log. */
        long sentWallMillis;
        String failure = "";

        Run(int index) {
            this.index = index;
        }

        public int index() {
            return index;
        }

        /** When the establishing FLOW_MOD was written (System.nanoTime). */
        public long sent() {
            return sent;
        }

        /** When the link region was first seen valid; 0 = never. */
        public long region() {
            return region;
        }

        /** When both ends' mapped words first held the link's generation; 0 = never. */
        public long mapped() {
            return mapped;
        }

        /** When the usable word first held the link's generation; 0 = never. */
        public long usable() {
            return usable;
        }

        /** When a link ring's producer counter was first seen above zero; 0 = never. */
        public long firstFrame() {
            return firstFrame;
        }

        /** When the breaking FLOW_MOD was written. */
        public long revertSent() {
            return revertSent;
        }

        /** When the link region file was seen gone after the revert; 0 = never. */
        public long revertDone() {
            return revertDone;
        }

        public long linkId() {
            return linkId;
        }

        /** Whether the run's link was a standby link, made and mapped by both ends before the FLOW_MOD. */
        public boolean standby() {
            return standby;
        }

        /** Wall clock (ms since the epoch) at {@link #sent()}: to line the run up with log timestamps. */
        public long sentWallMillis() {
            return sentWallMillis;
        }

        /** Empty, or where the run failed. */
        public String failure() {
            return failure;
        }

        public boolean established() {
            return firstFrame != 0;
        }

        public boolean reverted() {
            return revertDone != 0;
        }

        public String line() {
            return String.format(Locale.ROOT, "BYPASS_RUN run=%d link=%d sent_wall=%s sent_nanos=%d barrier_nanos=%d region_nanos=%d"
                            + " mapped_nanos=%d usable_nanos=%d first_frame_nanos=%d revert_sent_nanos=%d"
                            + " revert_barrier_nanos=%d revert_done_nanos=%d establish_us=%s region_us=%s mapped_us=%s"
                            + " usable_us=%s revert_us=%s revert_barrier_us=%s standby=%d%s",
                    index, linkId, java.time.Instant.ofEpochMilli(sentWallMillis), sent, barrier, region, mapped, usable, firstFrame, revertSent, revertBarrier,
                    revertDone, since(sent, firstFrame), since(sent, region), since(sent, mapped), since(sent, usable),
                    since(revertSent, revertDone), since(revertSent, revertBarrier), standby ? 1 : 0,
                    failure.isEmpty() ? "" : " failure=\"" + failure + "\"");
        }

        private static String since(long from, long to) {
            return from == 0 || to == 0 ? "na" : String.format(Locale.ROOT, "%.1f", (to - from) / 1e3);
        }
    }

    /**
     * Runs the warm-up cycles and the cycles, printing each one's {@link Run#line()} to
     * {@code out} as it ends; returns every one of them, warm-ups first (a run that timed out says
     * where in {@link Run#failure()}).
     */
    public static List<Run> run(Settings s, PrintStream out) throws IOException, InterruptedException {
        List<Run> results = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (OpenFlowBenchClient establish = OpenFlowBenchClient.connect(OpenFlowBenchClient.parseTarget(s.openflow()));
             OpenFlowBenchClient revert = s.revertOpenflow().equals(s.openflow()) ? null
                     : OpenFlowBenchClient.connect(OpenFlowBenchClient.parseTarget(s.revertOpenflow()))) {
            OpenFlowBenchClient reverter = revert != null ? revert : establish;
            warmUp();
            // start from "not point-to-point, no link"
            reverter.portRule(OpenFlowBenchClient.OFPFC_ADD, BREAKER_PRIORITY, s.inPort(), ETH_TYPE_ARP,
                    OpenFlowBenchClient.LOCAL);
            awaitNoLink(s.regionDir(), s.sender(), seen, System.nanoTime() + s.timeoutNanos());
            for (int i = 1 - s.warmupRuns(); i <= s.runs(); i++) {
                Thread.sleep(s.settleMs());
                Run run = new Run(i);
                results.add(run);
                long standbyId = readyStandby(s.regionDir(), s.sender());
                OpenFlowBenchClient.PendingRuleChange pending = establish.sendPortRule(
                        OpenFlowBenchClient.OFPFC_DELETE_STRICT, BREAKER_PRIORITY, s.inPort(), ETH_TYPE_ARP);
                run.sent = pending.sentNanos;
                run.sentWallMillis = System.currentTimeMillis() - (System.nanoTime() - run.sent) / 1_000_000;
                if (s.expectLink()) {
                    // the watch starts at once: OVS's barrier reply came 1-15 ms after the FLOW_MOD here, and
                    // waiting for it first made every milestone before it look that late
                    watchEstablish(run, s.regionDir(), s.sender(), seen, run.sent + s.timeoutNanos(), s.pollNanos(),
                            () -> establish.barrierArrived(pending));
                }
                run.standby = standbyId != 0 && run.linkId == standbyId;
                run.barrier = establish.awaitBarrier(pending).barrierNanos();
                if (!s.expectLink()) {
                    // baseline (no bypass): the same flow changes through OVS alone; their windows end
                    // with OVS's barrier replies
                    run.firstFrame = run.barrier;
                }
                Thread.sleep(s.onLinkMs());
                OpenFlowBenchClient.RuleChange change = reverter.portRule(OpenFlowBenchClient.OFPFC_ADD, BREAKER_PRIORITY, s.inPort(), ETH_TYPE_ARP,
                        OpenFlowBenchClient.LOCAL);
                run.revertSent = change.sentNanos();
                run.revertBarrier = change.barrierNanos();
                if (!s.expectLink()) {
                    run.revertDone = run.revertBarrier;
                }
                if (run.linkId != 0) {
                    run.revertDone = awaitGone(s.regionDir().resolve(LINK_PREFIX + run.linkId),
                            run.revertSent + s.timeoutNanos(), s.pollNanos());
                    if (run.revertDone == 0 && run.failure.isEmpty()) {
                        run.failure = "link region still there " + s.timeoutNanos() / 1_000_000 + " ms after the revert";
                    }
                }
                if (run.linkId == 0 || run.revertDone == 0) {
                    // leave nothing behind for the next run to mistake for its own link
                    awaitNoLink(s.regionDir(), s.sender(), seen, System.nanoTime() + s.timeoutNanos());
                }
                out.println(run.line());
                out.flush();
            }
        }
        return results;
    }

    /** Polls for the run's link region and its milestones until the first frame or the deadline. */
    /** Something the watch loop also looks at on every poll (the barrier reply); never blocks. */
    interface PollStep {
        void poll() throws IOException;
    }

    private static void watchEstablish(Run run, Path regionDir, String sender, Set<String> seen, long deadline,
                                       long pollNanos, PollStep alsoPoll) throws IOException {
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
                if (mapping != null && run.usable == 0 && !Files.exists(regionDir.resolve(LINK_PREFIX + run.linkId))) {
                    // rolled back before it was usable (a standby link of another shape the agent dropped
                    // for this run's link): the run's link is another region
                    mapping.close();
                    mapping = null;
                    run.region = 0;
                    run.mapped = 0;
                    run.linkId = 0;
                    continue;
                }
                if (mapping != null) {
                    long generation = validated.identity().generation();
                    // each milestone stamped after the look that saw it (see first_frame below)
                    if (run.mapped == 0 && LinkControl.acquireMapped(region, 0) == generation
                            && LinkControl.acquireMapped(region, 1) == generation) {
                        run.mapped = System.nanoTime();
                    }
                    if (run.usable == 0 && LinkControl.acquireUsable(region) == generation) {
                        run.usable = System.nanoTime();
                    }
                    if (anyRingProduced(region, validated)) {
                        // read the clock after the look, not at the top of the loop: this thread can be
                        // descheduled in between, and a stamp from before the look could precede the
                        // sender's own stamp of its first burst on the link (seen once in CI: 314 us)
                        long seenAt = System.nanoTime();
                        run.firstFrame = seenAt;
                        // a milestone passed between two looks counts as seen at the later one
                        run.usable = run.usable == 0 ? seenAt : run.usable;
                        run.mapped = run.mapped == 0 ? seenAt : run.mapped;
                        return;
                    }
                }
                if (now > deadline) {
                    run.failure = mapping == null ? "no link region appeared" : "no frame on the link ring";
                    return;
                }
                alsoPoll.poll();
                LockSupport.parkNanos(pollNanos);
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
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir,
                file -> file.getFileName().toString().startsWith(LINK_PREFIX))) {
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
                    if (identified(name, validated)) {
                        seen.add(name);
                        if (validated.identity().kind() == RegionKind.LINK && sender.equals(validated.identity().name0())) {
                            return mapping;
                        }
                        // someone else's link: never ours
                    }
                } catch (RegionFormatException e) {
                    // its creator writes the magic last: not ready yet
                }
                mapping.close();
            }
        }
        return null;
    }

    /**
     * Whether the region in file {@code name} ({@code hwlink-<linkId>}) already carries its own
     * identity. A claimed spare region gets its link's name first and its identity after (until
     * then it names no port): looked at again on the next poll, never written off as foreign.
     */
    private static boolean identified(String name, ValidatedRegion validated) {
        return name.equals(LINK_PREFIX + validated.identity().linkId());
    }

    /** Rounds of {@link #warmUp}: past the JIT's first compile thresholds for the observation code. */
    static final int WARMUP_ROUNDS = 400;

    /**
     * Runs what a run's observation does (find the new link region in a directory, map and
     * validate it, read its words and counters, unmap it) {@value #WARMUP_ROUNDS} times on a
     * scratch directory (deleted again). The harness polls with the same code it measures with:
     * run only a hundred times, it stayed interpreted, and a JVM's first FFM mapping and
     * validation cost tens to hundreds of ms; either way the harness saw the link region
     * milliseconds after it appeared, and with it the first frame (docs/benchmarks.md, bypass).
     */
    static void warmUp() throws IOException {
        Path scratch = Files.createTempDirectory(Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm")
                : Path.of(System.getProperty("java.io.tmpdir")), "highway-establish-warmup");
        try {
            RegionLayout layout = RegionLayout.link(false);
            Path link = scratch.resolve(LINK_PREFIX + 1);
            try (RandomAccessFile file = new RandomAccessFile(link.toFile(), "rw")) {
                file.setLength(layout.regionSize());
            }
            try (MappedRegion mapping = MappedRegion.map(link)) {
                RegionInitializer.initialize(mapping.segment(), layout, RegionIdentity.link(1, 1, "warm-up-0", "warm-up-1"));
            }
            Files.writeString(scratch.resolve(LINK_PREFIX + "2"), "not a region");
            for (int i = 0; i < WARMUP_ROUNDS; i++) {
                try (MappedRegion mapping = findLink(scratch, "warm-up-0", new HashSet<>())) {
                    if (mapping == null) {
                        throw new IOException("warm-up: the scratch link region was not found in dir=" + scratch);
                    }
                    ValidatedRegion validated = RegionValidator.validate(mapping.segment());
                    LinkControl.acquireMapped(mapping.segment(), 0);
                    LinkControl.acquireUsable(mapping.segment());
                    anyRingProduced(mapping.segment(), validated);
                }
            }
        } finally {
            try (var files = Files.list(scratch)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(scratch);
        }
    }

    /** Whether any ring of the link (one per direction) carries a committed frame. */
    private static boolean anyRingProduced(MemorySegment region, ValidatedRegion validated) {
        for (int i = 0; i < validated.layout().ringCount(); i++) {
            if (RingCounters.read(region, validated.layout().ring(i)).producedPackets() > 0) {
                return true;
            }
        }
        return false;
    }

    /** Polls until {@code file} is gone; its time, or 0 at the deadline. */
    private static long awaitGone(Path file, long deadline, long pollNanos) {
        while (true) {
            if (!Files.exists(file)) {
                // the clock after the look: a stamp from before it could precede the deletion
                return System.nanoTime();
            }
            long now = System.nanoTime();
            if (now > deadline) {
                return 0;
            }
            LockSupport.parkNanos(pollNanos);
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
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir,
                file -> file.getFileName().toString().startsWith(LINK_PREFIX))) {
                for (Path file : files) {
                    String name = file.getFileName().toString();
                    if (foreign.contains(name)) {
                        continue;
                    }
                    switch (ownership(file, sender)) {
                        case FOREIGN -> {
                            foreign.add(name);
                            seen.add(name);
                        }
                        case OURS, UNKNOWN -> {
                            seen.add(name);
                            ours = true;
                        }
                        case STANDING_BY -> {
                            // not seen: the next run's watch finds it when the agent activates it
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

    /**
     * The link id of a standby link of {@code sender} in {@code dir} that both ends have mapped
     * (never usable), 0 when there is none.
     */
    private static long readyStandby(Path dir, String sender) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir,
                file -> file.getFileName().toString().startsWith(LINK_PREFIX))) {
            for (Path file : files) {
                try (MappedRegion mapping = MappedRegion.map(file)) {
                    ValidatedRegion validated = RegionValidator.validate(mapping.segment());
                    RegionIdentity id = validated.identity();
                    MemorySegment region = mapping.segment();
                    if (identified(file.getFileName().toString(), validated) && id.kind() == RegionKind.LINK
                            && sender.equals(id.name0()) && LinkControl.acquireUsable(region) == 0
                            && LinkControl.acquireMapped(region, 0) == id.generation()
                            && LinkControl.acquireMapped(region, 1) == id.generation()) {
                        return id.linkId();
                    }
                } catch (IOException e) { // RegionFormatException included: being made or deleted
                    continue;
                }
            }
        }
        return 0;
    }

    private enum Ownership {
        /** A valid link region naming the sender, usable (or once usable). */
        OURS,
        /**
         * A valid link region naming the sender, never usable: a standby link (agent option
         * link-standby), which carries nothing and which the next establish may activate.
         */
        STANDING_BY,
        /** A valid region of something else. */
        FOREIGN,
        /** Not (yet, or any more) readable. */
        UNKNOWN
    }

    private static Ownership ownership(Path file, String sender) {
        try (MappedRegion mapping = MappedRegion.map(file)) {
            ValidatedRegion validated = RegionValidator.validate(mapping.segment());
            if (!identified(file.getFileName().toString(), validated)) {
                return Ownership.UNKNOWN;
            }
            if (!sender.equals(validated.identity().name0()) && !sender.equals(validated.identity().name1())) {
                return Ownership.FOREIGN;
            }
            return LinkControl.acquireUsable(mapping.segment()) == 0 ? Ownership.STANDING_BY : Ownership.OURS;
        } catch (IOException e) { // RegionFormatException included: not initialised yet
            return Ownership.UNKNOWN;
        }
    }
}
