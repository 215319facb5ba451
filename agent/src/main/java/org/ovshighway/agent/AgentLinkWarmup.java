package org.ovshighway.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.ovshighway.hotplug.LocalRegionAttacher;
import org.ovshighway.hotplug.libvirt.LibvirtAttacher;
import org.ovshighway.ovs.openflow.FlowMonitorWarmup;
import org.ovshighway.p2p.flow.PortNo;
import org.ovshighway.remapper.LinkWarmup;

/**
 * At agent start, on a daemon thread of its own, the code a bypass runs through is run on scratch
 * data until the JIT has compiled it (the scratch detection's and links' log lines dropped,
 * {@link ThreadLogMute}):
 * <ol>
 *   <li>with VM guests, the libvirt attacher's own code around its libvirt calls
 *       ({@link LibvirtAttacher#warmUp}, {@value #LIBVIRT_PARSES_PER_LINK_CYCLE} domain XML parses per
 *       link cycle; cold, each parse took milliseconds of every hot-plug);</li>
 *   <li>detection: {@link FlowMonitorWarmup} feeds flow monitor replies through the monitor's receive
 *       pipeline into a scratch {@link PointToPointWatch}, {@value #DETECTION_CYCLES_PER_LINK_CYCLE}
 *       breaker add/remove cycles per link cycle (without it the first flow changes after a start
 *       took milliseconds to decode and judge);</li>
 *   <li>links: {@link LinkWarmup}, scratch ports and scratch links in a private directory under
 *       /dev/shm, published to two scratch sysfs-shaped roots there (the path process guests' links
 *       take).</li>
 * </ol>
 * Real links may be established meanwhile: they share only code with it. One summary line for the
 * libvirt part, one for the rest.
 */
final class AgentLinkWarmup {
    static final String THREAD = "highway-link-warmup";
    private static final System.Logger LOG = System.getLogger(AgentLinkWarmup.class.getName());
    private static final Path SCRATCH_PARENT = Path.of("/dev/shm");
    /** Scratch directories are {@code highway-warmup-PID-RANDOM}: an agent killed mid-warm-up leaves its own. */
    static final String PREFIX = "highway-warmup-";
    /** The attacher parses two domain XMLs per VM and link; this many make its parser compiled code. */
    static final int LIBVIRT_PARSES_PER_LINK_CYCLE = 10;
    /** A detection cycle is two small replies; this many per link cycle costs about as much CPU as the link cycle. */
    static final int DETECTION_CYCLES_PER_LINK_CYCLE = 25;
    private static final Pattern SCRATCH_NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-\\d+");

    private AgentLinkWarmup() {
    }

    /** Starts {@code cycles} scratch cycles; returns the thread (interrupt it to stop early). */
    static Thread start(int cycles, Optional<LibvirtAttacher> libvirt) {
        // the libvirt part first: it is short, stops at an interrupt without clearing it, and its
        // warning about an unknown QEMU group must not be muted with the scratch links' lines
        Thread thread = Thread.ofPlatform().name(THREAD).daemon().unstarted(() -> {
            libvirt.ifPresent(attacher -> warmUpLibvirt(attacher, cycles * LIBVIRT_PARSES_PER_LINK_CYCLE));
            run(cycles);
        });
        thread.start();
        return thread;
    }

    /** Runs the cycles on this thread; returns how many completed. */
    static int run(int cycles) {
        long started = System.nanoTime();
        int done = 0;
        int detections = 0;
        long detectionNanos = 0;
        Path scratch = null;
        Path parent = Files.isDirectory(SCRATCH_PARENT) ? SCRATCH_PARENT : Path.of(System.getProperty("java.io.tmpdir"));
        int orphans = deleteOrphans(parent);
        if (orphans > 0) {
            LOG.log(System.Logger.Level.INFO, "deleted " + orphans + " link warm-up scratch director"
                    + (orphans == 1 ? "y" : "ies") + " of agents that no longer run, in " + parent);
        }
        try (ThreadLogMute muted = ThreadLogMute.mute(Thread.currentThread())) {
            long detectionStarted = System.nanoTime();
            detections = detectionWarmup(cycles * DETECTION_CYCLES_PER_LINK_CYCLE);
            detectionNanos = System.nanoTime() - detectionStarted;
            scratch = Files.createTempDirectory(parent, PREFIX + ProcessHandle.current().pid() + "-");
            Path root0 = Files.createDirectory(scratch.resolve("guest-0-sysfs"));
            Path root1 = Files.createDirectory(scratch.resolve("guest-1-sysfs"));
            LocalRegionAttacher attacher = new LocalRegionAttacher().guest("warmup-guest-0", root0)
                    .guest("warmup-guest-1", root1);
            done = LinkWarmup.run(scratch, attacher, "warmup-guest-0", "warmup-guest-1", cycles);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "link warm-up not run: " + e);
            return done;
        }
        int completed = done;
        int detected = detections;
        long detectionMillis = detectionNanos / 1_000_000;
        Path dir = scratch;
        LOG.log(System.Logger.Level.INFO, () -> "link warm-up: " + detected + " scratch flow changes decoded and judged in "
                + detectionMillis + " ms, " + completed + " of " + cycles + " scratch links established and reverted, "
                + (System.nanoTime() - started) / 1_000_000 + " ms in all (scratch " + dir + ", removed)");
        return done;
    }

    /** {@link LibvirtAttacher#warmUp}: its own code around the libvirt calls, no call to libvirt. */
    static int warmUpLibvirt(LibvirtAttacher attacher, int parses) {
        long started = System.nanoTime();
        try {
            int done = attacher.warmUp(parses);
            LOG.log(System.Logger.Level.INFO, () -> "libvirt attacher warm-up: " + done + " domain XML parses in "
                    + (System.nanoTime() - started) / 1_000_000 + " ms");
            return done;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "libvirt attacher warm-up not run: " + e);
            return 0;
        }
    }

    /**
     * Runs {@code cycles} breaker add/remove cycles through the flow monitor's receive pipeline into
     * a scratch watch of two scratch candidates; returns the cycles done.
     */
    static int detectionWarmup(int cycles) {
        SortedMap<PortNo, String> candidates = new TreeMap<>();
        candidates.put(PortNo.of(1), "warmup-a");
        candidates.put(PortNo.of(2), "warmup-b");
        try (PointToPointWatch watch = new PointToPointWatch(candidates, Clock.systemUTC())) {
            int done = new FlowMonitorWarmup(1, 2).run(watch, cycles);
            if (done == cycles && !watch.pointToPoint(PortNo.of(1), PortNo.of(2))) {
                throw new IllegalStateException("detection warm-up ended without its point-to-point verdict: cycles=" + cycles);
            }
            return done;
        }
    }

    /**
     * Deletes the scratch directories in {@code parent} whose agent no longer runs (its pid is in
     * the name); returns how many. Failures are logged, not thrown: a leftover costs disk, not
     * correctness.
     */
    static int deleteOrphans(Path parent) {
        int deleted = 0;
        try (Stream<Path> entries = Files.list(parent)) {
            for (Path dir : entries.toList()) {
                Matcher m = SCRATCH_NAME.matcher(dir.getFileName().toString());
                if (!m.matches() || ProcessHandle.of(Long.parseLong(m.group(1))).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                try (Stream<Path> tree = Files.walk(dir)) {
                    for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                    deleted++;
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "cannot delete link warm-up scratch of an agent that no longer"
                            + " runs: path=" + dir + " error=" + e);
                }
            }
        } catch (IOException | NumberFormatException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot look for link warm-up scratch left in " + parent + ": " + e);
        }
        return deleted;
    }
}
